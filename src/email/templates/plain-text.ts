import type { EmailLook } from "../look";

/** The plain-text part: paragraphs, then the support address when there is one. */
export function textDocument(look: EmailLook, paragraphs: string[]): string {
  const support = look.theme.supportEmail ? [`${look.copy.email.support} ${look.theme.supportEmail}`] : [];
  return [...paragraphs, ...support].join("\n\n");
}
