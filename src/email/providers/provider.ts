import type { OutgoingEmail } from "../message";

export type ProviderName = "cloudflare" | "http" | "dev-mailbox";

/** One way of handing a rendered email to the world. */
export interface EmailProvider {
  readonly name: ProviderName;
  /** Resolves with the provider's message id; rejects with a DeliveryError. */
  send(mail: OutgoingEmail): Promise<{ messageId: string }>;
}

/**
 * A send that did not go through. `code` is recorded as the delivery's last error, so it names
 * the failure (a provider error code, `http_503`) and never carries a message or the body.
 * A permanent error (a suppressed recipient, a refused sender) stops at once: retrying cannot help.
 */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    readonly code: string,
    readonly permanent: boolean,
  ) {
    super(code);
  }
}
