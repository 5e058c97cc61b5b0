import { button, htmlDocument, para, textDocument } from "../html";
import type { EmailLook } from "../look";

export function passwordResetLinkEmail(look: EmailLook, p: { link: string; expiresInMinutes: number }) {
  const t = look.copy.email;
  const app = look.theme.displayName;
  const subject = t.resetLink.subject(app);
  const text = textDocument(look, [t.greeting, t.resetLink.intro(app), `${t.resetLink.action}: ${p.link}`, t.resetLink.validity(p.expiresInMinutes), t.ignore]);
  const html = htmlDocument(
    look,
    subject,
    para(t.greeting) + para(t.resetLink.intro(app)) + button(look, p.link, t.resetLink.action) + para(t.resetLink.validity(p.expiresInMinutes)) + para(t.ignore),
  );
  return { subject, text, html };
}
