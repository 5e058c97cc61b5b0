// Single use under concurrency: many parallel Reset Password requests with one code, each with a
// different new password, update the password exactly once, and the winner's password is the one
// in force.
import { describe, expect, it } from "vitest";
import { type World, createUser, world } from "../../support/fixtures";
import { adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../../support/reset";
import { login } from "../../support/sessions";

const PARALLEL = 24;
const passwordOf = (i: number) => `parallel password ${i}`;

/** Fires PARALLEL resets with `body`, request i asking for passwordOf(i); returns the winner's index. */
async function race(w: World, email: string, body: Record<string, unknown>): Promise<number> {
  const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => reset(w.token, { ...body, newPassword: passwordOf(i) })));
  for (const a of answers) expect(a.status).toBe(200);
  const results = answers.map((a) => a.body.result as string);
  const winners = results.flatMap((r, i) => (r === "PASSWORD_UPDATED" ? [i] : []));
  expect(winners).toHaveLength(1);
  expect(results.filter((r) => r === "INVALID_CODE")).toHaveLength(PARALLEL - 1);

  const winner = winners[0]!;
  expect((await login(w, email, passwordOf(winner))).body.result).toBe("SUCCESS");
  expect((await login(w, email, "old password 1")).body.result).toBe("INVALID_CREDENTIALS");
  // No loser's password took effect, not even for a moment afterwards.
  const loser = (winner + 1) % PARALLEL;
  expect((await login(w, email, passwordOf(loser))).body.result).toBe("INVALID_CREDENTIALS");
  return winner;
}

describe(`${PARALLEL} parallel resets with the same code give exactly one PASSWORD_UPDATED`, () => {
  it("with an admin passwordResetCode", async () => {
    const w = await world();
    const user = await createUser(w, "race-admin@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    await race(w, "race-admin@example.com", { passwordResetCode: code });
    expect((await reset(w.token, { passwordResetCode: code, newPassword: "one more password" })).body).toEqual({ result: "INVALID_CODE" });
  });

  it("with an emailAuthCode", async () => {
    const w = await world();
    await createUser(w, "race-link@example.com", "old password 1");
    const code = await emailAuthCode(w, "race-link@example.com");
    await race(w, "race-link@example.com", { emailAuthCode: code });
    expect((await reset(w.token, { emailAuthCode: code, newPassword: "one more password" })).body).toEqual({ result: "INVALID_CODE" });
  });

  it("with an OTP requestCode and its right verificationCode", async () => {
    const w = await world();
    await setStrategy(w, "OTP", { otpMaxAttempts: 10 });
    await createUser(w, "race-otp@example.com", "old password 1");
    const code = await otp(w, "race-otp@example.com");
    // Right codes give their attempt back, so more racers than attempts still meet the version check;
    // the ones that find all attempts reserved at that instant may read TOO_MANY_ATTEMPTS instead.
    const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => reset(w.token, { ...code, newPassword: passwordOf(i) })));
    const results = answers.map((a) => a.body.result as string);
    const winners = results.flatMap((r, i) => (r === "PASSWORD_UPDATED" ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const r of results) expect(["PASSWORD_UPDATED", "INVALID_CODE", "TOO_MANY_ATTEMPTS"]).toContain(r);
    expect((await login(w, "race-otp@example.com", passwordOf(winners[0]!))).body.result).toBe("SUCCESS");
  });
});
