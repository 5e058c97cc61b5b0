import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { DECOY_FAILURE_RETENTION_MS, EXPIRED_CODE_RETENTION_MS } from "../../src/workflows/retention";
import { createUser, world } from "../support/fixtures";
import { adminLinkCode } from "../support/reset";
import { OTP_GUESS_WINDOW_MS } from "../../src/policy/otp-guessing";

async function count(table: string): Promise<number> {
  return (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

describe("the daily retention run", () => {
  it("deletes codes expired for over a week, wrong-code rows over a day old, decoy login failures over 30 days old, and keeps the rest", async () => {
    const w = await world();
    const user = await createUser(w, "retention@example.com", "password one");
    await adminLinkCode(w, user.id);
    await adminLinkCode(w, user.id);
    const now = Date.now();
    await env.DB.prepare("UPDATE reset_codes SET expires_at = ? WHERE rowid = (SELECT min(rowid) FROM reset_codes)").bind(now - EXPIRED_CODE_RETENTION_MS - 1).run();
    await env.DB.prepare("INSERT INTO code_failures (subject_key, failed_at) VALUES ('old', ?), ('recent', ?)").bind(now - OTP_GUESS_WINDOW_MS - 1, now - OTP_GUESS_WINDOW_MS + 60_000).run();
    await env.DB.prepare("INSERT INTO decoy_password_failures (subject_key, failures, last_failed_at) VALUES ('old', 100, ?), ('recent', 3, ?)")
      .bind(now - DECOY_FAILURE_RETENTION_MS - 1, now - 60_000)
      .run();

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await count("reset_codes")).toBe(1);
    expect(await count("code_failures")).toBe(1);
    expect(await count("decoy_password_failures")).toBe(1);
  });
});
