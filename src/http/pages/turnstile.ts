// Cloudflare Turnstile on the forgot-password form, where the policy turns it on. One widget
// serves the deployment: every page lives on PUBLIC_BASE_URL's host. A siteverify that cannot be
// reached fails closed: the form answers 503 and sends nothing.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { Misconfigured } from "../../config/misconfigured";

const SITEVERIFY = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
export const TURNSTILE_ORIGIN = "https://challenges.cloudflare.com";
export const TURNSTILE_SCRIPT = `${TURNSTILE_ORIGIN}/turnstile/v0/api.js`;
/** The form field the widget fills in. */
export const TURNSTILE_FIELD = "cf-turnstile-response";

declare module "hono" {
  interface ContextVariableMap {
    /** Set by a page that shows the widget: only then may Turnstile's script and frame load. */
    turnstileWidget: true;
  }
}

/** Called by the page that renders the widget. */
export function showsTurnstile(c: Context): void {
  c.set("turnstileWidget", true);
}

/**
 * Outside the pages' own headers: once the page is rendered, a page that shows the widget lets
 * Turnstile's script (beside its own nonce) and frame in. Every other page keeps the policy
 * without script-src or frame-src, so default-src 'none' refuses both.
 */
export const turnstileCsp = createMiddleware(async (c, next) => {
  await next();
  const csp = c.res.headers.get("Content-Security-Policy");
  if (!c.get("turnstileWidget") || !csp) return;
  const nonce = c.get("secureHeadersNonce");
  c.res.headers.set("Content-Security-Policy", `${csp}; script-src 'nonce-${nonce}' ${TURNSTILE_ORIGIN}; frame-src ${TURNSTILE_ORIGIN}`);
});

export class TurnstileUnavailable extends Error {
  override name = "TurnstileUnavailable";
}

export function turnstileSiteKey(env: Env): string {
  if (!env.TURNSTILE_SITE_KEY) throw new Misconfigured("TURNSTILE_SITE_KEY", "is required where a policy sets forgotPasswordTurnstile");
  return env.TURNSTILE_SITE_KEY;
}

export async function turnstilePassed(env: Env, response: unknown, remoteIp: string | undefined): Promise<boolean> {
  if (!env.TURNSTILE_SECRET_KEY) throw new Misconfigured("TURNSTILE_SECRET_KEY", "is required where a policy sets forgotPasswordTurnstile");
  if (typeof response !== "string" || response.length === 0 || response.length > 2048) return false;
  const form = new URLSearchParams({ secret: env.TURNSTILE_SECRET_KEY, response });
  if (remoteIp) form.set("remoteip", remoteIp);
  let res: Response;
  try {
    res = await fetch(SITEVERIFY, { method: "POST", body: form });
  } catch (e) {
    throw new TurnstileUnavailable("siteverify unreachable", { cause: e });
  }
  if (!res.ok) throw new TurnstileUnavailable(`siteverify answered ${res.status}`);
  const verdict = (await res.json().catch(() => null)) as { success?: unknown } | null;
  return verdict?.success === true;
}
