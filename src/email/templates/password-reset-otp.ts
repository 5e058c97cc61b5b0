import { escapeHtml, htmlDocument, para, textDocument } from "../html";
import type { EmailLook } from "../look";

export function passwordResetOtpEmail(look: EmailLook, p: { verificationCode: string; expiresInMinutes: number }) {
  const t = look.copy.email;
  const app = look.theme.displayName;
  const subject = t.resetOtp.subject(app);
  const text = textDocument(look, [t.greeting, t.resetOtp.intro(app), `${t.resetOtp.codeLabel} ${p.verificationCode}`, t.resetOtp.validity(p.expiresInMinutes), t.ignore]);
  const code = `<p style="margin:24px 0;font-size:32px;letter-spacing:0.2em;font-weight:bold;color:${look.theme.primaryColor}">${escapeHtml(p.verificationCode)}</p>`;
  const html = htmlDocument(
    look,
    subject,
    para(t.greeting) + para(t.resetOtp.intro(app)) + para(t.resetOtp.codeLabel) + code + para(t.resetOtp.validity(p.expiresInMinutes)) + para(t.ignore),
  );
  return { subject, text, html };
}
