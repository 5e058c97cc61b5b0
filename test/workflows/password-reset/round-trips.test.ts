// Fewer D1 round trips on the reset path (issue 17, item 4): a code is read with its user in one
// query, and the hosted page reads its code once per POST.
// Each executed statement counts as one round trip, a db.batch as one.
import { describe, expect, it } from "vitest";
import { type RoundTrip, roundTripsOf } from "../../support/d1-round-trips";
import { type World, createUser, world } from "../../support/fixtures";
import { RESET, REPEATED_EMAILS, adminLinkCode, emailAuthCode, otp, setStrategy } from "../../support/reset";

const GOOD = "a new good password";

const readsCodes = (t: RoundTrip) => t.sql.some((q) => /^\s*select\b[\s\S]*\bfrom "reset_codes"/i.test(q));
const readsUserAlone = (t: RoundTrip) => t.sql.some((q) => /^\s*select\b[\s\S]*\bfrom "users"/i.test(q)) && !readsCodes(t);

function resetRequest(w: World, body: Record<string, unknown>) {
  return new Request(`http://localhost${RESET}`, { method: "POST", headers: { Authorization: `Bearer ${w.token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/** Round trips per operation, for the report (the figures the bench shows as D1 calls). */
function show(operation: string, s: { before: RoundTrip[]; after: RoundTrip[] }) {
  console.info(`round trips ${operation}: ${s.before.length} before the answer, ${s.after.length} after`);
}

describe("Reset Password reads a code and its user in one query", () => {
  it("emailAuthCode and passwordResetCode: one read finds the code with its user, none reads the user alone, before the answer", async () => {
    const w = await world("rt-api");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const user = await createUser(w, "rt-link@example.com", "old password 1");
    // Each code is made after the reset before it, which retired every earlier code.
    const cases = [
      ["link", async () => ({ emailAuthCode: await emailAuthCode(w, "rt-link@example.com") })],
      ["admin", async () => ({ passwordResetCode: await adminLinkCode(w, user.id) })],
    ] as const;
    for (const [name, code] of cases) {
      const s = await roundTripsOf(resetRequest(w, { ...(await code()), newPassword: `${GOOD} ${name}` }));
      show(`reset-password ${name}`, s);
      expect([s.res.status, JSON.parse(s.body)]).toEqual([200, { result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId }]);
      expect(s.before.filter(readsCodes)).toHaveLength(1);
      expect(s.before.filter(readsUserAlone)).toEqual([]);
    }
  });

  it("OTP: the code and its user are read once, together, before the answer", async () => {
    const w = await world("rt-otp");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "rt-otp@example.com", "old password 1");
    const code = await otp(w, "rt-otp@example.com");
    const s = await roundTripsOf(resetRequest(w, { ...code, newPassword: GOOD }));
    show("reset-password otp", s);
    expect(JSON.parse(s.body).result).toBe("PASSWORD_UPDATED");
    expect(s.before.filter(readsCodes)).toHaveLength(1);
    expect(s.before.filter(readsUserAlone)).toEqual([]);
  });
});
