// One address has at most one open email code: the consumer's "is there a newer request?" check
// and the insert are one D1 batch, so jobs delivered concurrently or out of order cannot leave two
// open codes, and the check uses an index instead of scanning reset_codes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../../src/db/client";
import type { EmailJob } from "../../../src/email/message";
import { emailCodeInsert } from "../../../src/workflows/password-reset/code-store";
import { consume, resetJob } from "../../support/email-queue";
import { createUser, world } from "../../support/fixtures";
import { emailAuthCodeOf, mailbox } from "../../support/mailbox";
import { reset, setStrategy } from "../../support/reset";
import { ALL_DATABASES } from "../../support/codes";

/** Across the directory database and every shard (codes are on their job's shard). */
async function openEmailCodes(userId: string): Promise<number> {
  let n = 0;
  for (const db of ALL_DATABASES()) {
    const row = await db
      .prepare("SELECT count(*) AS n FROM reset_codes WHERE user_id = ? AND kind IN ('EMAIL_LINK', 'EMAIL_OTP') AND consumed_at IS NULL AND superseded_at IS NULL")
      .bind(userId)
      .first<{ n: number }>();
    n += row!.n;
  }
  return n;
}

describe("one open email code per address", () => {
  for (const strategy of ["LINK", "OTP"] as const) {
    it(`holds when jobs of one address are delivered concurrently, newest first (${strategy})`, async () => {
      const w = await world();
      await setStrategy(w, strategy);
      const email = `race-${strategy.toLowerCase()}@example.com`;
      const user = await createUser(w, email);
      const first = await resetJob(w, email);
      // Ten requests a millisecond apart, delivered all at once, the newest first.
      const jobs: EmailJob[] = Array.from({ length: 10 }, (_, i) => ({ ...first, id: `${first.id.slice(0, 24)}${String(i).padStart(2, "0")}`, createdAt: first.createdAt + i }));
      await Promise.all([...jobs].reverse().map((job) => consume(job)));
      // LINK: one open link; OTP: the newest request's OTP row and the link its email carries.
      expect(await openEmailCodes(user.id)).toBe(strategy === "OTP" ? 2 : 1);
    });
  }

  it("lets only the newest request's email reset, whatever order the jobs arrive in", async () => {
    const w = await world();
    await setStrategy(w, "LINK", { resetEmailCooldownSeconds: 0 });
    const email = "out-of-order@example.com";
    await createUser(w, email);
    const older = await resetJob(w, email);
    const newer = await resetJob(w, email);
    await consume(newer);
    await consume(older);
    const mails = await mailbox(email);
    expect(mails).toHaveLength(1);
    expect((await reset(w.token, { emailAuthCode: emailAuthCodeOf(mails[0]!), newPassword: "a brand new password" })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("finds a newer request through an index, not a scan of reset_codes", async () => {
    const now = Date.now();
    const code = {
      id: "explainplan000000000000000",
      applicationId: "a",
      tenantId: "t",
      userId: null,
      subjectKey: "h1:subject",
      kind: "EMAIL_LINK" as const,
      codeHash: "h1:code",
      verificationHash: null,
      credentialVersion: null,
      maxAttempts: 5,
      expiresAt: now,
    };
    const insert = emailCodeInsert(database(env), code, now, ["h1:subject", "h0:subject"]).toSQL();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${insert.sql}`)
      .bind(...insert.params)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/SEARCH reset_codes USING (COVERING )?INDEX reset_codes_subject_created \(subject_key=\? AND created_at>\?\)/);
    expect(details).not.toMatch(/SCAN reset_codes/);
  });
});
