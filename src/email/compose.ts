import { newId } from "../crypto/random";
import type { EmailMessage, EmailTemplate } from "./message";

export function composeEmail(
  template: EmailTemplate,
  applicationId: string,
  to: string,
  rendered: { subject: string; text: string; html: string },
): EmailMessage {
  return { id: newId(), applicationId, to, template, ...rendered, createdAt: Date.now() };
}
