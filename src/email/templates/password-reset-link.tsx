/** @jsxImportSource hono/jsx */
import type { EmailLook } from "../look";
import type { RenderedEmail } from "../message";
import { Button, EmailLayout, Para, emailHtml } from "./layout";
import { textDocument } from "./plain-text";

export function passwordResetLinkEmail(look: EmailLook, p: { link: string; expiresInMinutes: number }): RenderedEmail {
  const t = look.copy.email;
  const app = look.theme.displayName;
  const subject = t.resetLink.subject(app);
  const text = textDocument(look, [t.greeting, t.resetLink.intro(app), `${t.resetLink.action}: ${p.link}`, t.resetLink.validity(p.expiresInMinutes), t.ignore]);
  const html = emailHtml(
    <EmailLayout look={look} title={subject}>
      <Para>{t.greeting}</Para>
      <Para>{t.resetLink.intro(app)}</Para>
      <Button look={look} href={p.link} label={t.resetLink.action} />
      <Para>{t.resetLink.validity(p.expiresInMinutes)}</Para>
      <Para>{t.ignore}</Para>
    </EmailLayout>,
  );
  return { subject, text, html };
}
