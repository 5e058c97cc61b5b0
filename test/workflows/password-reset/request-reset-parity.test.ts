// Request Password Reset answers alike for a known, an unknown and an inactive email (issue 17,
// Targets): the same calls to D1, the address's Durable Object and the queues, in the same order,
// recorded through the real bindings (test/support/binding-calls.ts). Whether an email is sent is
// decided later, by the email queue's consumer.
import { describe, expect, it } from "vitest";
import { type BindingCall, bindingCallsOf } from "../../support/binding-calls";
import { createUserWithStatus } from "../../support/codes";
import { type World, createUser, world } from "../../support/fixtures";
import { REPEATED_EMAILS, setStrategy } from "../../support/reset";

const sequence = (calls: BindingCall[]) => calls.map((c) => `${c.binding} ${c.kind}`);

async function requestCalls(w: World, email: string) {
  const s = await bindingCallsOf(
    new Request("http://localhost/api/v1/password-reset/request-password-reset", {
      method: "POST",
      headers: { Authorization: `Bearer ${w.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ tenantId: w.tenantId, email }),
    }),
  );
  expect(s.res.status).toBe(200);
  return { body: JSON.parse(s.body), calls: [...s.before, ...s.after] };
}

describe("request-password-reset makes the same calls for a known, an unknown and an inactive email", () => {
  for (const strategy of ["LINK", "OTP"] as const) {
    it(`${strategy}: the same bindings called the same way in the same order, and answers of one shape`, async () => {
      const w = await world(`rr-parity-${strategy}`);
      await setStrategy(w, strategy, REPEATED_EMAILS);
      await createUser(w, "rr-known@example.com", "a good password 1");
      await createUserWithStatus(w, "rr-inactive@example.com", "INACTIVE", "a good password 1");
      // The tenant, its policy and the caller's standing are kept 5 s in the isolate (isolate-cache.ts,
      // caller-standing.ts): read them once first.
      await requestCalls(w, "rr-warm-up@example.com");
      const [known, unknown, inactive] = [
        await requestCalls(w, "rr-known@example.com"),
        await requestCalls(w, "rr-nobody@example.com"),
        await requestCalls(w, "rr-inactive@example.com"),
      ];
      expect(sequence(unknown.calls)).toEqual(sequence(known.calls));
      expect(sequence(inactive.calls)).toEqual(sequence(known.calls));
      expect([unknown.body, inactive.body].map((b) => Object.keys(b).sort())).toEqual([Object.keys(known.body).sort(), Object.keys(known.body).sort()]);
      console.info(`request-password-reset ${strategy}: ${sequence(known.calls).join(", ")}`);
    });
  }
});
