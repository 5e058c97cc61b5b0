// The code travels from the email link to the form in a cookie, so it leaves the address bar
// (and with it history, Referer and screenshots) before the page shows. HttpOnly keeps it from
// scripts; SameSite=Strict keeps other sites from posting with it; Secure keeps it off plain http
// (browsers treat http://localhost as secure, so local development works).
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ResetMode } from "../../workflows/password-reset/decide";
import type { AppEnv } from "../app-env";
import { codeCookiePath } from "./page-paths";

const NAME = "reset_code";
/** Long enough to type a password, short enough that a forgotten tab does not keep a live code. */
export const CODE_COOKIE_MAX_AGE_SECONDS = 15 * 60;

/** A code as the reset pages hold it: the kind names the API field it came from. */
export type HeldCode = { kind: "EMAIL_LINK" | "ADMIN_LINK"; code: string } | { kind: "EMAIL_OTP"; code: string };

const KINDS = new Map<string, ResetMode["kind"]>([
  ["link", "EMAIL_LINK"],
  ["admin", "ADMIN_LINK"],
  ["otp", "EMAIL_OTP"],
]);
const PREFIX = new Map<ResetMode["kind"], string>([...KINDS].map(([p, k]) => [k, p]));

export function holdCode(c: Context<AppEnv>, held: HeldCode): void {
  setCookie(c, NAME, `${PREFIX.get(held.kind)}.${held.code}`, {
    path: codeCookiePath(c.env),
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: CODE_COOKIE_MAX_AGE_SECONDS,
  });
}

export function heldCode(c: Context<AppEnv>): HeldCode | null {
  const value = getCookie(c, NAME);
  const dot = value?.indexOf(".") ?? -1;
  if (!value || dot < 1) return null;
  const kind = KINDS.get(value.slice(0, dot));
  const code = value.slice(dot + 1);
  if (!kind || !/^[A-Za-z0-9_-]{1,512}$/.test(code)) return null;
  return { kind, code };
}

export function dropCode(c: Context<AppEnv>): void {
  deleteCookie(c, NAME, { path: codeCookiePath(c.env), httpOnly: true, secure: true, sameSite: "Strict" });
}
