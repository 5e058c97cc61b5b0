/** @jsxImportSource hono/jsx */
import type { EmailLook } from "../look";
import type { RenderedEmail } from "../message";
import { Button, EmailLayout, Para, emailHtml } from "./layout";
import { textDocument } from "./plain-text";

/** The code, and a link that works once, so that someone who locks the code cannot block the reset. */
export function passwordResetOtpEmail(look: EmailLook, p: { verificationCode: string; link: string; expiresInMinutes: number }): RenderedEmail {
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
  const html = emailHtml(
    <EmailLayout look={look} title={subject}>
      <Para>{t.greeting}</Para>
      <Para>{t.resetOtp.intro(app)}</Para>
      <Para>{t.resetOtp.codeLabel}</Para>
      <p style={`margin:24px 0;font-size:32px;letter-spacing:0.2em;font-weight:bold;color:${look.theme.primaryColor}`}>{p.verificationCode}</p>
      <Para>{t.resetOtp.orLink}</Para>
      <Button look={look} href={p.link} label={t.resetLink.action} />
      <Para>{t.resetOtp.validity(p.expiresInMinutes)}</Para>
      <Para>{t.ignore}</Para>
    </EmailLayout>,
  );
  return { subject, text, html };
}
