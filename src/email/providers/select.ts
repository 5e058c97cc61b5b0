// Which provider sends mail: EMAIL_PROVIDER, or by default the development mailbox under
// ENVIRONMENT=development and Cloudflare Email Service everywhere else.
import { Misconfigured } from "../../config/misconfigured";
import { isDevelopment } from "../../config/public-origin";
import type { Database } from "../../db/client";
import { cloudflareProvider } from "./cloudflare";
import { devMailboxProvider } from "./dev-mailbox";
import { httpProvider } from "./http";
import type { EmailProvider } from "./provider";

type ProviderConfig = Pick<Env, "ENVIRONMENT" | "EMAIL_PROVIDER" | "EMAIL_FROM" | "EMAIL_HTTP_URL" | "EMAIL_HTTP_API_KEY"> & { EMAIL?: SendEmail };

export function emailProvider(env: ProviderConfig, db: Database): EmailProvider {
  return configuredProvider(env)(db);
}

/**
 * Throws Misconfigured unless the settings can send: request-password-reset runs it before it
 * promises an email, so a deployment that cannot send answers 503 instead of every job ending dead.
 */
export function checkEmailSettings(env: ProviderConfig): void {
  configuredProvider(env);
}

function configuredProvider(env: ProviderConfig): (db: Database) => EmailProvider {
  const choice = env.EMAIL_PROVIDER || (isDevelopment(env) ? "dev-mailbox" : "cloudflare");
  switch (choice) {
    case "dev-mailbox":
      if (!isDevelopment(env)) throw new Misconfigured("EMAIL_PROVIDER", "may be dev-mailbox only when ENVIRONMENT=development");
      return (db) => devMailboxProvider(env, db);
    case "cloudflare": {
      if (!env.EMAIL) throw new Misconfigured("EMAIL", "(a send_email binding) is required by EMAIL_PROVIDER=cloudflare");
      const provider = cloudflareProvider(env.EMAIL, sender(env));
      return () => provider;
    }
    case "http": {
      if (!URL.canParse(env.EMAIL_HTTP_URL ?? "")) throw new Misconfigured("EMAIL_HTTP_URL", "must be a URL");
      if (!env.EMAIL_HTTP_API_KEY) throw new Misconfigured("EMAIL_HTTP_API_KEY", "is required by EMAIL_PROVIDER=http");
      const provider = httpProvider(env.EMAIL_HTTP_URL, env.EMAIL_HTTP_API_KEY, sender(env));
      return () => provider;
    }
    default:
      throw new Misconfigured("EMAIL_PROVIDER", "must be cloudflare, http or dev-mailbox");
  }
}

function sender(env: Pick<Env, "EMAIL_FROM">): string {
  if (!/^[^\s@<>",]+@[^\s@<>",]+$/.test(env.EMAIL_FROM ?? "")) throw new Misconfigured("EMAIL_FROM", "must be the sender's email address");
  return env.EMAIL_FROM;
}
