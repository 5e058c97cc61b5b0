// Issue 17: a reset answers once the user's object has committed; no D1 write is on its path (the
// primary may be a continent away). Every D1 write is held until the answer has left: a write the
// answer waited for shows as a held write that timed out.
import { describe, expect, it } from "vitest";
import { answerWithWritesHeld } from "../../support/held-writes";
import { createUser, world } from "../../support/fixtures";
import { REPEATED_EMAILS, adminLinkCode, emailAuthCode, otp, resetRequest, setStrategy } from "../../support/reset";
import { databaseOfId, forgetKeyIds } from "../../support/shards";

const keyIdsReportedAt = (userId: string) => databaseOfId(userId).prepare("SELECT key_ids_reported_at FROM users WHERE id = ?").bind(userId).first<number | null>("key_ids_reported_at");

describe("Reset Password answers without waiting for a D1 write", () => {
  it("link, admin link and OTP: PASSWORD_UPDATED with every D1 write held until after the answer; the key-id report and the codes' retirement still land", async () => {
    const w = await world("no-wait");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const user = await createUser(w, "no-wait@example.com", "old password 1");
    const cases = [
      ["link", async () => ({ emailAuthCode: await emailAuthCode(w, "no-wait@example.com") })],
      ["admin", async () => ({ passwordResetCode: await adminLinkCode(w, user.id) })],
      ["otp", async () => (await setStrategy(w, "OTP", REPEATED_EMAILS), await otp(w, "no-wait@example.com"))],
    ] as const;
    for (const [name, code] of cases) {
      const body = await code();
      await forgetKeyIds(user.id);
      const s = await answerWithWritesHeld(resetRequest(w.token, { ...body, newPassword: `a new good password ${name}` }));
      expect([name, s.res.status, JSON.parse(s.body).result]).toEqual([name, 200, "PASSWORD_UPDATED"]);
      expect([name, s.writesAwaited]).toEqual([name, 0]);
      // After the answer: the report reached the row, and the spent code is retired.
      expect([name, await keyIdsReportedAt(user.id)]).not.toEqual([name, null]);
      const again = await answerWithWritesHeld(resetRequest(w.token, { ...body, newPassword: `another good password ${name}` }));
      expect([name, JSON.parse(again.body).result]).toEqual([name, "INVALID_CODE"]);
    }
  });
});
