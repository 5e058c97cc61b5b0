import { button, escapeHtml, htmlDocument, para, textDocument } from "../html";
import type { EmailLook } from "../look";

/** The code, and a link that works once, so that someone who locks the code cannot block the reset. */
export function passwordResetOtpEmail(look: EmailLook, p: { verificationCode: string; link: string; expiresInMinutes: number }) {
  const t = look.copy.email;
  const app = look.theme.displayName;
  const subject = t.resetOtp.subject(app);
  const text = textDocument(look, [
    t.greeting,
    t.resetOtp.intro(app),
    `${t.resetOtp.codeLabel} ${p.verificationCode}`,
    `${t.resetOtp.orLink} ${p.link}`,
    t.resetOtp.validity(p.expiresInMinutes),
    t.ignore,
  ]);
  const code = `<p style="margin:24px 0;font-size:32px;letter-spacing:0.2em;font-weight:bold;color:${look.theme.primaryColor}">${escapeHtml(p.verificationCode)}</p>`;
  const html = htmlDocument(
    look,
    subject,
    para(t.greeting) + para(t.resetOtp.intro(app)) + para(t.resetOtp.codeLabel) +
      code +
      para(t.resetOtp.orLink) +
      button(look, p.link, t.resetLink.action) +
      para(t.resetOtp.validity(p.expiresInMinutes)) +
      para(t.ignore),
  );
  return { subject, text, html };
}
