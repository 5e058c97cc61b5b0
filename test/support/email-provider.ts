// The Resend-compatible provider that the host-app Worker serves (test/fixtures/host-app.js), and
// the configuration that sends mail there instead of to the development mailbox.
import { env } from "cloudflare:workers";

export const HTTP_PROVIDER: Partial<Env> = {
  EMAIL_PROVIDER: "http",
  EMAIL_FROM: "no-reply@reset.example",
  EMAIL_HTTP_URL: "https://mail.provider.test/emails",
  EMAIL_HTTP_API_KEY: "test-provider-key-0123456789",
  EMAIL_RETRY_DELAY_SECONDS: "30",
};

/** Production as deployed with the HTTP provider: no development mailbox, https links. */
export const PRODUCTION_HTTP: Partial<Env> = { ...HTTP_PROVIDER, ENVIRONMENT: "production", PUBLIC_BASE_URL: "https://reset.example.com" };

export interface ProviderMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** What the provider accepted for `to`, and how many requests it got for that address. */
export async function providerInbox(to: string): Promise<{ items: ProviderMail[]; requests: number }> {
  const res = await env.HOST_APP.fetch(`http://host-app/provider/emails?to=${encodeURIComponent(to)}`);
  return res.json();
}
