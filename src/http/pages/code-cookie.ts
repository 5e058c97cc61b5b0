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

/**
 * A code as the reset pages hold it: the kind names the API field it came from. An OTP request
 * may also name its tenant, since its row is written after the answer and may not exist yet
 * when the form first shows.
 */
export type HeldCode = { kind: "EMAIL_LINK" | "ADMIN_LINK"; code: string } | { kind: "EMAIL_OTP"; code: string; tenantId?: string };

const KINDS = new Map<string, ResetMode["kind"]>([
  ["link", "EMAIL_LINK"],
  ["admin", "ADMIN_LINK"],
  ["otp", "EMAIL_OTP"],
]);
const PREFIX = new Map<ResetMode["kind"], string>([...KINDS].map(([p, k]) => [k, p]));

export function holdCode(c: Context<AppEnv>, held: HeldCode): void {
  const tenant = held.kind === "EMAIL_OTP" && held.tenantId ? `.${held.tenantId}` : "";
  setCookie(c, NAME, `${PREFIX.get(held.kind)}.${held.code}${tenant}`, {
    path: codeCookiePath(c.env),
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: CODE_COOKIE_MAX_AGE_SECONDS,
  });
}

export function heldCode(c: Context<AppEnv>): HeldCode | null {
  const [prefix, code, tenantId, ...rest] = (getCookie(c, NAME) ?? "").split(".");
  const kind = KINDS.get(prefix ?? "");
  if (!kind || !code || !/^[A-Za-z0-9_-]{1,512}$/.test(code) || rest.length > 0) return null;
  if (kind !== "EMAIL_OTP") return tenantId === undefined ? { kind, code } : null;
  if (tenantId !== undefined && !/^[a-z0-9]{1,64}$/.test(tenantId)) return null;
  return tenantId ? { kind, code, tenantId } : { kind, code };
}

export function dropCode(c: Context<AppEnv>): void {
  deleteCookie(c, NAME, { path: codeCookiePath(c.env), httpOnly: true, secure: true, sameSite: "Strict" });
}
