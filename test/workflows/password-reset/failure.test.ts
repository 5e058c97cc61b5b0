// No burn on failure: when the user's Durable Object fails during Reset Password, the API answers
// a retryable 503 and the code survives for a retry. The failure is injected inside the real
// object by hiding its credential table, then undone.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { codeRowsOfUser } from "../../support/codes";
import { createUser, world } from "../../support/fixtures";
import { adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../../support/reset";
import { login } from "../../support/sessions";

const GOOD = "a new good password";

function userObject(userId: string) {
  return env.USERS.get(env.USERS.idFromName(userId));
}

async function breakCredentialTable(userId: string): Promise<void> {
  await runInDurableObject(userObject(userId), async (_instance, state) => {
    state.storage.sql.exec("ALTER TABLE credential RENAME TO credential_unavailable");
  });
}

async function repairCredentialTable(userId: string): Promise<void> {
  await runInDurableObject(userObject(userId), async (_instance, state) => {
    state.storage.sql.exec("ALTER TABLE credential_unavailable RENAME TO credential");
  });
}

function expectUnavailable(res: { status: number; body: any; res: Response }) {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ type: "base_error", code: "service_unavailable", message: expect.any(String) });
  expect(res.res.headers.get("Retry-After")).toMatch(/^\d+$/);
}

describe("a Durable Object failure during Reset Password", () => {
  it("answers 503 with Retry-After, burns nothing, and the same admin code works on retry", async () => {
    const w = await world();
    const user = await createUser(w, "no-burn@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);

    await breakCredentialTable(user.id);
    expectUnavailable(await reset(w.token, { passwordResetCode: code, newPassword: GOOD }));
    const [row] = await codeRowsOfUser(user.id);
    expect(row).toMatchObject({ consumed_at: null, superseded_at: null });
    await repairCredentialTable(user.id);

    // The failed attempt changed nothing: the old password still opens a session.
    expect((await login(w, "no-burn@example.com", "old password 1")).body.result).toBe("SUCCESS");
    expect((await login(w, "no-burn@example.com", GOOD)).body.result).toBe("INVALID_CREDENTIALS");

    const retry = await reset(w.token, { passwordResetCode: code, newPassword: GOOD });
    expect(retry.body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
    expect((await login(w, "no-burn@example.com", GOOD)).body.result).toBe("SUCCESS");
    expect((await login(w, "no-burn@example.com", "old password 1")).body.result).toBe("INVALID_CREDENTIALS");
  });

  it("does the same for an emailAuthCode", async () => {
    const w = await world();
    const user = await createUser(w, "no-burn-link@example.com", "old password 1");
    const code = await emailAuthCode(w, "no-burn-link@example.com");

    await breakCredentialTable(user.id);
    expectUnavailable(await reset(w.token, { emailAuthCode: code, newPassword: GOOD }));
    await repairCredentialTable(user.id);

    expect((await login(w, "no-burn-link@example.com", "old password 1")).body.result).toBe("SUCCESS");
    expect((await reset(w.token, { emailAuthCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await login(w, "no-burn-link@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("spends no OTP attempt: more failed tries than otpMaxAttempts, and the right code still works", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const user = await createUser(w, "no-burn-otp@example.com", "old password 1");
    const code = await otp(w, "no-burn-otp@example.com");

    await breakCredentialTable(user.id);
    for (let i = 0; i < 6; i++) expectUnavailable(await reset(w.token, { ...code, newPassword: GOOD }));
    await repairCredentialTable(user.id);

    expect((await codeRowsOfUser(user.id))[0]).toMatchObject({ attempts: 0, consumed_at: null });
    expect((await reset(w.token, { ...code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });
});
