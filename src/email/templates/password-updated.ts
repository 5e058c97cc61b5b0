import { button, htmlDocument, para, textDocument } from "../html";
import type { EmailLook } from "../look";

export function passwordUpdatedEmail(look: EmailLook, p: { loginUrl: string | null }) {
  const t = look.copy.email;
  const app = look.theme.displayName;
  const subject = t.passwordUpdated.subject(app);
  const signIn = p.loginUrl ? [`${t.passwordUpdated.signIn}: ${p.loginUrl}`] : [];
  const text = textDocument(look, [t.greeting, t.passwordUpdated.body(app), ...signIn, t.passwordUpdated.notYou]);
  const html = htmlDocument(
    look,
    subject,
    para(t.greeting) + para(t.passwordUpdated.body(app)) + (p.loginUrl ? button(look, p.loginUrl, t.passwordUpdated.signIn) : "") + para(t.passwordUpdated.notYou),
  );
  return { subject, text, html };
}
