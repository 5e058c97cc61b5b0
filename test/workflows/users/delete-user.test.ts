// A deleted user stays dead: every code, session and refresh token the user had fails after the
// delete, also when the D1 half of the delete fails and when a reset races the delete.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { POLICY_DEFAULTS } from "../../../src/policy/password-reset-policy";
import { callJson } from "../../support/api";
import { ALL_DATABASES } from "../../support/codes";
import { createUser, world, type World } from "../../support/fixtures";
import { adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../../support/reset";
import { introspect, login, loginOk, refresh } from "../../support/sessions";

const NEW = "a brand new password";
const OLD = "the old password";

const stubOf = (userId: string) => env.USERS.get(env.USERS.idFromName(userId));

/** The stored credential: the tombstone of a deleted user holds no password. */
function storedCredential(userId: string) {
  return runInDurableObject(stubOf(userId), (_i, state) =>
    state.storage.sql.exec<{ password_hash: string | null; credential_version: number }>("SELECT password_hash, credential_version FROM credential").toArray()[0],
  );
}

/** Makes D1 refuse to delete user rows, so that DELETE /users fails after the object's step. */
/** In every database: users are on shards. */
async function blockD1UserDelete(): Promise<void> {
  for (const db of ALL_DATABASES()) await db.exec("CREATE TRIGGER IF NOT EXISTS block_user_delete BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'injected'); END");
}

afterEach(async () => {
  for (const db of ALL_DATABASES()) await db.exec("DROP TRIGGER IF EXISTS block_user_delete");
});

const deleteUser = (w: World, userId: string) => callJson("DELETE", `/api/v1/users/${userId}`, { token: w.token });

type CodeKind = "emailAuthCode" | "OTP" | "passwordResetCode";

async function outstandingCode(w: World, kind: CodeKind, email: string, userId: string): Promise<Record<string, string>> {
  if (kind === "passwordResetCode") return { passwordResetCode: await adminLinkCode(w, userId) };
  if (kind === "emailAuthCode") return { emailAuthCode: await emailAuthCode(w, email) };
  await setStrategy(w, "OTP");
  return otp(w, email);
}

async function expectAllDead(w: World, email: string, code: Record<string, string>, session: { accessToken: string; refreshToken: string }) {
  expect((await reset(w.token, { ...code, newPassword: NEW })).body).toEqual({ result: "INVALID_CODE" });
  expect((await login(w, email, NEW)).body.result).toBe("INVALID_CREDENTIALS");
  expect((await login(w, email, OLD)).body.result).toBe("INVALID_CREDENTIALS");
  expect((await refresh(w, session.refreshToken)).status).toBe(400);
  expect(await introspect(w, session.accessToken)).toEqual({ active: false });
  expect(await introspect(w, session.refreshToken)).toEqual({ active: false });
}

describe("deleting a user", () => {
  for (const kind of ["emailAuthCode", "OTP", "passwordResetCode"] as const) {
    it(`kills an outstanding ${kind}, the live session and its refresh token`, async () => {
      const w = await world();
      const email = `dead-${kind.toLowerCase()}@example.com`;
      const user = await createUser(w, email, OLD);
      const session = await loginOk(w, email, OLD);
      const code = await outstandingCode(w, kind, email, user.id);

      expect((await deleteUser(w, user.id)).status).toBe(204);
      await expectAllDead(w, email, code, session);
    });

    it(`kills an outstanding ${kind} and the live session when the D1 step of the delete fails`, async () => {
      const w = await world();
      const email = `half-${kind.toLowerCase()}@example.com`;
      const user = await createUser(w, email, OLD);
      const session = await loginOk(w, email, OLD);
      const code = await outstandingCode(w, kind, email, user.id);

      await blockD1UserDelete();
      const res = await deleteUser(w, user.id);
      expect(res.status).toBe(503);
      // The directory row is still there, so the email still finds the user: the object refuses.
      expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: w.token })).status).toBe(200);
      await expectAllDead(w, email, code, session);
      expect((await storedCredential(user.id))?.password_hash).toBeNull();

      // A retry of the delete completes it.
      for (const db of ALL_DATABASES()) await db.exec("DROP TRIGGER block_user_delete");
      expect((await deleteUser(w, user.id)).status).toBe(204);
      expect((await callJson("GET", `/api/v1/users/${user.id}`, { token: w.token })).status).toBe(404);
    });
  }

  it("refuses a password change the object receives after the delete, whatever version the code carried", async () => {
    // A reset that judged its code in D1 before the delete reaches the object after it.
    const w = await world();
    const user = await createUser(w, "late@example.com", OLD);
    const before = (await storedCredential(user.id))!.credential_version;
    expect((await deleteUser(w, user.id)).status).toBe(204);

    for (const version of [0, before, before + 1]) {
      const outcome = await stubOf(user.id).changePassword({
        newPassword: NEW,
        policy: POLICY_DEFAULTS,
        expectedCredentialVersion: version,
      });
      expect(outcome.outcome).not.toBe("UPDATED");
    }
    expect((await storedCredential(user.id))?.password_hash).toBeNull();
  });

  it("leaves no password behind when it races a reset with an outstanding code", async () => {
    const w = await world();
    for (let round = 0; round < 6; round++) {
      const email = `race-${round}@example.com`;
      const user = await createUser(w, email, OLD);
      const code = await adminLinkCode(w, user.id);
      const [del, res] = await Promise.all([deleteUser(w, user.id), reset(w.token, { passwordResetCode: code, newPassword: NEW })]);
      expect(del.status).toBe(204);
      expect(["PASSWORD_UPDATED", "INVALID_CODE"]).toContain(res.body.result);
      expect((await storedCredential(user.id))?.password_hash).toBeNull();
      expect((await login(w, email, NEW)).body.result).toBe("INVALID_CREDENTIALS");
      expect((await reset(w.token, { passwordResetCode: code, newPassword: "yet another password" })).body).toEqual({ result: "INVALID_CODE" });
    }
  });
});
