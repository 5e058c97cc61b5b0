/** @jsxImportSource hono/jsx */
import type { EmailLook } from "../look";
import type { RenderedEmail } from "../message";
import { Button, EmailLayout, Para, emailHtml } from "./layout";
import { textDocument } from "./plain-text";

export function passwordUpdatedEmail(look: EmailLook, p: { loginUrl: string | null }): RenderedEmail {
  const t = look.copy.email;
  const app = look.theme.displayName;
  const subject = t.passwordUpdated.subject(app);
  const signIn = p.loginUrl ? [`${t.passwordUpdated.signIn}: ${p.loginUrl}`] : [];
  const text = textDocument(look, [t.greeting, t.passwordUpdated.body(app), ...signIn, t.passwordUpdated.notYou]);
  const html = emailHtml(
    <EmailLayout look={look} title={subject}>
      <Para>{t.greeting}</Para>
      <Para>{t.passwordUpdated.body(app)}</Para>
      {p.loginUrl ? <Button look={look} href={p.loginUrl} label={t.passwordUpdated.signIn} /> : null}
      <Para>{t.passwordUpdated.notYou}</Para>
    </EmailLayout>,
  );
  return { subject, text, html };
}
