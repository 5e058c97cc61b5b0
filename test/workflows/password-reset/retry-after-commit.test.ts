// A retry after a 503 gets the right answer. The fault is injected inside the real user object:
// its storage commits the change, then the call fails, as when the answer is lost after the commit.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createUser, type World, world } from "../../support/fixtures";
import { mailbox, waitForMail } from "../../support/mailbox";
import { adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../../support/reset";
import { login } from "../../support/sessions";

const OLD = "old password 1";
const NEW = "a new good password";

const stubOf = (userId: string) => env.USERS.get(env.USERS.idFromName(userId));

/** The next storage transaction of the user's object commits, then the call that ran it throws. */
async function failAfterNextCommit(userId: string): Promise<void> {
  await runInDurableObject(stubOf(userId), (_instance, state) => {
    const storage = state.storage;
    const commit = storage.transactionSync;
    storage.transactionSync = function <T>(fn: () => T): T {
      storage.transactionSync = commit;
      commit.call(storage, fn);
      throw new Error("injected: the answer was lost after the commit");
    };
  });
}

async function codeFor(w: World, kind: string, email: string, userId: string): Promise<Record<string, string>> {
  if (kind === "passwordResetCode") return { passwordResetCode: await adminLinkCode(w, userId) };
  if (kind === "emailAuthCode") return { emailAuthCode: await emailAuthCode(w, email) };
  await setStrategy(w, "OTP");
  return otp(w, email);
}

describe("a 503 raised after the password change committed", () => {
  for (const kind of ["passwordResetCode", "emailAuthCode", "OTP"]) {
    it(`is answered on retry with the same ${kind} and new password by the same PASSWORD_UPDATED`, async () => {
      const w = await world();
      const email = `retry-${kind.toLowerCase()}@example.com`;
      const user = await createUser(w, email, OLD);
      const code = await codeFor(w, kind, email, user.id);

      await failAfterNextCommit(user.id);
      const first = await reset(w.token, { ...code, newPassword: NEW });
      expect(first.status).toBe(503);
      // The change did commit.
      expect((await login(w, email, NEW)).body.result).toBe("SUCCESS");

      const retry = await reset(w.token, { ...code, newPassword: NEW });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
    });
  }

  it("answers INVALID_CODE to the same code with a different new password, which does not take effect", async () => {
    const w = await world();
    const user = await createUser(w, "other-password@example.com", OLD);
    const code = await adminLinkCode(w, user.id);
    await failAfterNextCommit(user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: NEW })).status).toBe(503);

    expect((await reset(w.token, { passwordResetCode: code, newPassword: "some other password" })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "other-password@example.com", "some other password")).body.result).toBe("INVALID_CREDENTIALS");
    expect((await login(w, "other-password@example.com", NEW)).body.result).toBe("SUCCESS");
  });

  it("answers INVALID_CODE once a later change moved the password on", async () => {
    const w = await world();
    const user = await createUser(w, "moved-on@example.com", OLD);
    const code = await adminLinkCode(w, user.id);
    await failAfterNextCommit(user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: NEW })).status).toBe(503);
    const later = await adminLinkCode(w, user.id);
    expect((await reset(w.token, { passwordResetCode: later, newPassword: "the later password" })).body.result).toBe("PASSWORD_UPDATED");

    expect((await reset(w.token, { passwordResetCode: code, newPassword: NEW })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "moved-on@example.com", "the later password")).body.result).toBe("SUCCESS");
  });

  it("sends one Password Updated email, not one per answer", async () => {
    const w = await world();
    const user = await createUser(w, "one-mail@example.com", OLD);
    const code = await adminLinkCode(w, user.id);
    await failAfterNextCommit(user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: NEW })).status).toBe(503);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: NEW })).body.result).toBe("PASSWORD_UPDATED");
    await runDurableObjectAlarm(stubOf(user.id));
    // The alarm puts the notice on the email queue; its consumer delivers it.
    await waitForMail("one-mail@example.com", "PASSWORD_UPDATED");
    await new Promise((r) => setTimeout(r, 500));
    expect((await mailbox("one-mail@example.com")).filter((m) => m.template === "PASSWORD_UPDATED")).toHaveLength(1);
  });
});
