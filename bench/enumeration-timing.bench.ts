// `npm run bench`: do known and unknown emails take the same time? Known and unknown requests are
// interleaved so that drift in the machine's load hits both alike. Wall ms in local workerd.
import { expect, it } from "vitest";
import { callJson } from "../test/support/api";
import { createUser, world } from "../test/support/fixtures";

const ROUNDS = 40;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(call: () => Promise<{ status: number }>): Promise<number> {
  const start = Date.now();
  const res = await call();
  expect(res.status).toBe(200);
  return Date.now() - start;
}

it("request-password-reset and login take alike for known and unknown emails", async () => {
  const w = await world("timing");
  await createUser(w, "known@example.com", "the right password");
  const reset = (email: string) => () =>
    callJson("POST", "/api/v1/password-reset/request-password-reset", { token: w.token, body: { tenantId: w.tenantId, email } });
  const login = (email: string) => () =>
    callJson("POST", "/api/v1/login", { token: w.token, body: { tenantId: w.tenantId, email, password: "a wrong password" } });

  const t = { resetKnown: [] as number[], resetUnknown: [] as number[], loginKnown: [] as number[], loginUnknown: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    t.resetKnown.push(await timed(reset("known@example.com")));
    t.resetUnknown.push(await timed(reset(`unknown-${i}@example.com`)));
    t.loginKnown.push(await timed(login("known@example.com")));
    t.loginUnknown.push(await timed(login(`unknown-${i}@example.com`)));
  }
  console.log(
    [
      `known vs unknown email, median wall ms over ${ROUNDS} interleaved rounds (local workerd)`,
      `  request-password-reset   known ${median(t.resetKnown)}   unknown ${median(t.resetUnknown)}`,
      `  login (wrong password)   known ${median(t.loginKnown)}   unknown ${median(t.loginUnknown)}`,
    ].join("\n"),
  );
}, 300_000);
