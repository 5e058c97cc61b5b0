// No reset secret at rest in plaintext: after a reset email is sent, no D1 table, no row of the
// user's Durable Object and no queue message holds its code. The development mailbox is the one
// exception, and only when ENVIRONMENT=development.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EmailJob } from "../../../src/email/message";
import { callJson } from "../../support/api";
import { PRODUCTION_HTTP, providerInbox } from "../../support/email-provider";
import { consume, recordingQueue } from "../../support/email-queue";
import { type World, createUser, world } from "../../support/fixtures";
import { emailAuthCodeOf, verificationCodeOf, waitForMail } from "../../support/mailbox";
import { RESET, setStrategy } from "../../support/reset";

/** Every row of every D1 table, as text, optionally leaving some tables out. */
async function d1Dump(except: string[] = []): Promise<string> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  const all = tables.results.map((t) => t.name);
  expect(all).toEqual(expect.arrayContaining(["reset_codes", "email_deliveries", "dev_mailbox"]));
  const names = all.filter((n) => !except.includes(n));
  let dump = "";
  for (const name of names) dump += JSON.stringify((await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
  return dump;
}

/** Every row of every table in the user's Durable Object, as text. */
async function userObjectDump(userId: string): Promise<string> {
  const stub = env.USERS.get(env.USERS.idFromName(userId));
  return runInDurableObject(stub, (_instance, state) => {
    const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").toArray();
    return tables.map((t) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${t.name}"`).toArray())).join("");
  });
}

function expectNowhere(secrets: string[], ...places: string[]) {
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThanOrEqual(6);
    for (const place of places) expect(place).not.toContain(secret);
  }
}

async function requestVia(w: World, email: string, queue: Queue, overrides: Partial<Env> = {}) {
  const res = await callJson("POST", "/api/v1/password-reset/request-password-reset", {
    token: w.token,
    body: { tenantId: w.tenantId, email },
    env: { ...overrides, EMAIL_QUEUE: queue },
  });
  expect(res.status).toBe(200);
  return res.body as { requestCode?: string };
}

describe("reset secrets at rest", () => {
  it("LINK, as deployed: the emailed code is in no table and no queue message", async () => {
    const w = await world();
    const email = "at-rest-link@example.com";
    const user = await createUser(w, email);
    const queue = recordingQueue(false);
    await requestVia(w, email, queue.binding);
    await consume(queue.jobs[0]!, { env: PRODUCTION_HTTP });
    const [mail] = (await providerInbox(email)).items;
    const code = /emailAuthCode=([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;

    expectNowhere([code], await d1Dump(), await userObjectDump(user.id), JSON.stringify(queue.jobs));
    // It is a live code: the scan looked for the right thing.
    const reset = await callJson("POST", RESET, { token: w.token, body: { emailAuthCode: code, newPassword: "a brand new password" } });
    expect(reset.body.result).toBe("PASSWORD_UPDATED");
  });

  it("OTP, as deployed: neither the requestCode nor the verification code is in any table or queue message", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const email = "at-rest-otp@example.com";
    const user = await createUser(w, email);
    const queue = recordingQueue(false);
    const { requestCode } = await requestVia(w, email, queue.binding);
    await consume(queue.jobs[0]!, { env: PRODUCTION_HTTP });
    const [mail] = (await providerInbox(email)).items;
    const verificationCode = /verification code is: (\d+)/.exec(mail!.text)![1]!;

    expectNowhere([requestCode!, verificationCode], await d1Dump(), await userObjectDump(user.id), JSON.stringify(queue.jobs));
    const reset = await callJson("POST", RESET, { token: w.token, body: { requestCode, verificationCode, newPassword: "a brand new password" } });
    expect(reset.body.result).toBe("PASSWORD_UPDATED");
  });

  it("through the real queue in development: only the development mailbox holds the code", async () => {
    const w = await world();
    const email = "at-rest-dev@example.com";
    const user = await createUser(w, email);
    const queue = recordingQueue(true);
    await requestVia(w, email, queue.binding);
    const code = emailAuthCodeOf(await waitForMail(email, "PASSWORD_RESET_LINK"));

    expectNowhere([code], await d1Dump(["dev_mailbox"]), await userObjectDump(user.id), JSON.stringify(queue.jobs satisfies EmailJob[]));
    expect(await d1Dump()).toContain(code);
  });

  it("in development, an OTP request's codes are likewise only in the development mailbox", async () => {
    const w = await world();
    await setStrategy(w, "OTP");
    const email = "at-rest-dev-otp@example.com";
    const user = await createUser(w, email);
    const queue = recordingQueue(true);
    const { requestCode } = await requestVia(w, email, queue.binding);
    const verificationCode = verificationCodeOf(await waitForMail(email, "PASSWORD_RESET_OTP"));
    expectNowhere([requestCode!, verificationCode], await d1Dump(["dev_mailbox"]), await userObjectDump(user.id), JSON.stringify(queue.jobs));
  });
});
