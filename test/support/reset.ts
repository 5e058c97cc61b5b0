// Steps of the reset workflow, through the public API.
import { callJson } from "./api";
import { type World } from "./fixtures";
import { emailAuthCodeOf, verificationCodeOf, waitForMail } from "./mailbox";

export const RESET = "/api/v1/password-reset/reset-password";

export async function setStrategy(w: World, strategy: "LINK" | "OTP", extra: Record<string, unknown> = {}) {
  const res = await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, {
    token: w.token,
    body: { emailVerificationStrategy: strategy, ...extra },
  });
  if (res.status !== 200) throw new Error(`policy: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Policy for tests that need several reset emails to one address in a row: no cooldown, room for 20. */
export const REPEATED_EMAILS = { resetEmailCooldownSeconds: 0, resetEmailsPerWindow: 20 };

export async function requestReset(w: World, email: string) {
  return callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email } });
}

/** Requests a LINK reset and returns the emailAuthCode from the n-th such email. */
export async function emailAuthCode(w: World, email: string, n = 1): Promise<string> {
  await requestReset(w, email);
  return emailAuthCodeOf(await waitForMail(email, "PASSWORD_RESET_LINK", n));
}

/** Requests an OTP reset and returns its requestCode and the emailed verificationCode. */
export async function otp(w: World, email: string, n = 1): Promise<{ requestCode: string; verificationCode: string }> {
  const res = await requestReset(w, email);
  const mail = await waitForMail(email, "PASSWORD_RESET_OTP", n);
  return { requestCode: res.body.requestCode, verificationCode: verificationCodeOf(mail) };
}

/** A Reset Password request as a Request, for tests that send it through a wrapped env themselves. */
export function resetRequest(token: string, body: Record<string, unknown>): Request {
  return new Request(`http://localhost${RESET}`, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

export function reset(token: string, body: Record<string, unknown>) {
  return callJson("POST", RESET, { token, body });
}

export async function adminLinkCode(w: World, userId: string, token = w.token): Promise<string> {
  const res = await callJson("POST", "/api/v1/password-reset/create-password-reset-link", { token, body: { userId } });
  if (res.status !== 200) throw new Error(`link: ${res.status} ${JSON.stringify(res.body)}`);
  return new URL(res.body.passwordResetLink).searchParams.get("passwordResetCode")!;
}
