// What a lagging D1 replica may not show, held in the user's object (src/user-object/code-generations.ts):
// the newest email request whose codes were issued and the newest admin link. A code of an older
// one is refused at the commit, whatever D1 said of it; each family counts on its own.
import { describe, expect, it } from "vitest";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { supersededCode } from "../../src/user-object/code-generations";
import { changePassword, credentialVersion } from "../../src/user-object/credential";
import { KEYS, withUser } from "./module-store";

const change = (family: "EMAIL" | "ADMIN_LINK", at: number) => ({
  newPassword: "password two",
  policy: POLICY_DEFAULTS,
  expectedCredentialVersion: 0,
  codeId: `code-${family}-${at}`,
  codeIssue: { family, at },
});

describe("the newest code of each family", () => {
  it("refuses an email code older than the newest recorded request as STALE, and accepts the newest", async () => {
    const outcomes = await withUser("password one", async (store) => {
      expect(credentialVersion(store, { family: "EMAIL", at: 1_000 })).toBe(0);
      expect(credentialVersion(store, { family: "EMAIL", at: 2_000 })).toBe(0);
      return { older: await changePassword(store, KEYS, change("EMAIL", 1_000)), newest: await changePassword(store, KEYS, change("EMAIL", 2_000)) };
    });
    expect(outcomes.older).toEqual({ outcome: "STALE" });
    expect(outcomes.newest).toMatchObject({ outcome: "UPDATED" });
  });

  it("never lowers the newest: a retry of an older job records nothing newer, and the newest still works", async () => {
    const outcome = await withUser("password one", async (store) => {
      credentialVersion(store, { family: "EMAIL", at: 2_000 });
      credentialVersion(store, { family: "EMAIL", at: 1_000 });
      credentialVersion(store, { family: "EMAIL", at: 2_000 }); // the newest job's retry
      return changePassword(store, KEYS, change("EMAIL", 2_000));
    });
    expect(outcome).toMatchObject({ outcome: "UPDATED" });
  });

  it("counts admin links apart from email codes: a new email request leaves an admin link alive, a new admin link kills it", async () => {
    const outcomes = await withUser("password one", async (store) => {
      credentialVersion(store, { family: "ADMIN_LINK", at: 1_000 });
      credentialVersion(store, { family: "EMAIL", at: 5_000 });
      const alive = supersededCode(store, { family: "ADMIN_LINK", at: 1_000 });
      credentialVersion(store, { family: "ADMIN_LINK", at: 6_000 });
      return { alive, dead: await changePassword(store, KEYS, change("ADMIN_LINK", 1_000)) };
    });
    expect(outcomes.alive).toBe(false);
    expect(outcomes.dead).toEqual({ outcome: "STALE" });
  });

  it("refuses nothing where nothing was recorded (an object older than the table), and records nothing for a user who may not reset", async () => {
    const fresh = await withUser("password one", (store) => changePassword(store, KEYS, change("EMAIL", 1)));
    expect(fresh).toMatchObject({ outcome: "UPDATED" });
    const none = await withUser("password one", (store) => {
      store.storage.sql.exec("UPDATE credential SET status = 'INACTIVE'");
      const version = credentialVersion(store, { family: "EMAIL", at: 9_000 });
      return { version, rows: store.storage.sql.exec("SELECT count(*) AS n FROM code_generations").one().n };
    });
    expect(none).toEqual({ version: null, rows: 0 });
  });
});
