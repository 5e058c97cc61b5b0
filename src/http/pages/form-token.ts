// A per-form token on top of hono's Origin / Sec-Fetch-Site check: an HMAC of the form's name and
// of what the browser holds for it (the code cookie, or a random nonce cookie). A page from another
// site can neither read it nor compute it.
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { serviceConfig } from "../../config/service-config";
import { randomToken } from "../../crypto/random";
import type { AppEnv } from "../app-env";

export type FormName = "reset-password" | "reset-password-otp" | "forgot-password";

export const FORM_TOKEN_FIELD = "formToken";
const NONCE = "form_nonce";

export async function formToken(env: Env, form: FormName, binding: string): Promise<string> {
  return (await serviceConfig(env)).secretHashKeys.hash("form-token", `${form}:${binding}`);
}

/** A token made under a previous SECRET_HASH_KEY still verifies, so a rotation does not break an open form. */
export async function formTokenValid(env: Env, form: FormName, binding: string, presented: unknown): Promise<boolean> {
  if (typeof presented !== "string" || presented.length === 0) return false;
  return (await (await serviceConfig(env)).secretHashKeys.verify("form-token", `${form}:${binding}`, presented)).valid;
}

/** A random per-browser binding for forms that have no code cookie, set on the GET that shows the form. */
export function formNonce(c: Context<AppEnv>, path: string): string {
  const existing = getCookie(c, NONCE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const nonce = randomToken();
  setCookie(c, NONCE, nonce, { path, httpOnly: true, secure: true, sameSite: "Strict", maxAge: 60 * 60 });
  return nonce;
}

export function presentedNonce(c: Context<AppEnv>): string | null {
  return getCookie(c, NONCE) ?? null;
}
