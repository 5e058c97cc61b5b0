// Cloudflare Email Service through the `send_email` binding (EMAIL). The binding builds the MIME
// message from these fields; it throws errors with a string `code`.
import type { OutgoingEmail } from "../message";
import { displayName, headerValue, recipientAddress } from "./headers";
import { DeliveryError, type EmailProvider } from "./provider";

/** Codes that a later attempt may get past; every other E_* code is about this message or account. */
const RETRYABLE = new Set(["E_RATE_LIMIT_EXCEEDED", "E_DAILY_LIMIT_EXCEEDED", "E_INTERNAL_SERVER_ERROR"]);

export function cloudflareDeliveryError(e: unknown): DeliveryError {
  const code = typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : null;
  if (code && /^E_[A-Z_]+$/.test(code)) return new DeliveryError(code, !RETRYABLE.has(code));
  return new DeliveryError(e instanceof Error ? e.name : "send_failed", false);
}

export function cloudflareProvider(binding: SendEmail, from: string): EmailProvider {
  return {
    name: "cloudflare",
    async send(mail: OutgoingEmail) {
      const message = {
        from: { name: displayName(mail.fromName), email: from },
        to: recipientAddress(mail.to),
        subject: headerValue(mail.subject),
        text: mail.text,
        html: mail.html,
      };
      try {
        return { messageId: (await binding.send(message)).messageId };
      } catch (e) {
        throw cloudflareDeliveryError(e);
      }
    },
  };
}
