// An HTTP provider with Resend's JSON API: POST {from, to, subject, text, html} with a bearer key
// and an Idempotency-Key (the job's id; Resend keeps it 24 hours), answered by {id}. Postmark-style
// services that speak the same shape work too.
import type { OutgoingEmail } from "../message";
import { headerValue, mailbox, recipientAddress } from "./headers";
import { DeliveryError, type EmailProvider } from "./provider";

/** 408, 409 and 429 are about timing; other 4xx are about this message or account and will not change. */
export function httpDeliveryError(status: number): DeliveryError {
  const permanent = status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429;
  return new DeliveryError(`http_${status}`, permanent);
}

export function httpProvider(url: string, apiKey: string, from: string): EmailProvider {
  return {
    name: "http",
    async send(mail: OutgoingEmail) {
      const body = JSON.stringify({
        from: mailbox(mail.fromName, from),
        to: [recipientAddress(mail.to)],
        subject: headerValue(mail.subject),
        text: mail.text,
        html: mail.html,
      });
      let res: Response;
      try {
        // The job's id: a retry of a mail the provider already took gets its first answer, not a second mail.
        const headers = { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json", "Idempotency-Key": mail.deliveryId };
        res = await fetch(url, { method: "POST", headers, body });
      } catch (e) {
        throw new DeliveryError(e instanceof Error ? `network_${e.name}` : "network_error", false);
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw httpDeliveryError(res.status);
      }
      const answer = (await res.json().catch(() => null)) as { id?: unknown } | null;
      if (typeof answer?.id !== "string") throw new DeliveryError("http_unexpected_answer", false);
      return { messageId: answer.id };
    },
  };
}
