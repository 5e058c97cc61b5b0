// Metrics: one data point per reset request, reset, login, refresh and email step, with the
// outcome, the reason and the latency, and nothing personal. Local runs drop Analytics Engine
// writes, so these tests hand the workflows and the consumer a recorder of our own Metrics
// interface; the HTTP tests check that the real (local) binding, and none at all, break nothing.
import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { END_USER_PERMISSIONS } from "../../src/config/permissions";
import { serviceConfig } from "../../src/config/service-config";
import { database, replicaDatabase } from "../../src/db/client";
import { getClient } from "../../src/directory/clients";
import { getTenant } from "../../src/directory/tenants";
import type { EmailJob } from "../../src/email/message";
import { type MetricPoint, type Metrics, analyticsEngineMetrics } from "../../src/metrics/metrics";
import type { WorkflowDeps } from "../../src/workflows/deps";
import { consumeEmailBatch } from "../../src/workflows/email-delivery/consumer";
import { resetModeOf } from "../../src/workflows/password-reset/decide";
import { requestPasswordReset } from "../../src/workflows/password-reset/request-password-reset";
import { resetPassword } from "../../src/workflows/password-reset/reset-password";
import { login } from "../../src/workflows/sessions/login";
import { refresh } from "../../src/workflows/sessions/tokens";
import { callJson } from "../support/api";
import { HTTP_PROVIDER } from "../support/email-provider";
import { DEAD_LETTER_QUEUE, EMAIL_QUEUE, resetJob } from "../support/email-queue";
import { createUser, world, type World } from "../support/fixtures";
import { emailAuthCodeOf, waitForMail } from "../support/mailbox";

function recorder(): Metrics & { points: MetricPoint[] } {
  const points: MetricPoint[] = [];
  return { points, record: (p) => void points.push(p) };
}

async function depsWith(metrics: Metrics): Promise<WorkflowDeps> {
  return {
    env,
    config: await serviceConfig(env),
    db: database(env),
    replica: replicaDatabase(env),
    waitUntil: () => undefined,
    audit: { actor: { kind: "system" }, requestId: null, ip: null, userAgent: null },
    metrics,
  };
}

async function tenantOf(w: World) {
  return (await getTenant(database(env), w.tenantId))!;
}

/** Nothing that names a person: no email, user id, code, token or password anywhere in a point. */
function expectNothingPersonal(points: MetricPoint[], secrets: string[]) {
  const text = JSON.stringify(points);
  for (const s of secrets) expect(text).not.toContain(s);
}

const timed = (p: MetricPoint) => typeof p.ms === "number" && p.ms >= 0;

describe("metrics", () => {
  it("count reset requests, completed resets and failed ones by reason, with latency, and nothing personal", async () => {
    const w = await world("metrics-reset");
    const email = "metrics-reset@example.com";
    const user = await createUser(w, email, "first password 1");
    const m = recorder();
    const deps = await depsWith(m);
    await requestPasswordReset(deps, await tenantOf(w), email);
    const code = emailAuthCodeOf(await waitForMail(email, "PASSWORD_RESET_LINK"));
    const input = { mode: resetModeOf({ emailAuthCode: code }), newPassword: "a brand new password", suppressPasswordUpdatedEmail: true };
    expect((await resetPassword(deps, w.applicationId, input)).result).toBe("PASSWORD_UPDATED");
    expect((await resetPassword(deps, w.applicationId, input)).result).toBe("INVALID_CODE");
    expect((await resetPassword(deps, w.applicationId, { ...input, mode: resetModeOf({ emailAuthCode: "not-a-code" }) })).result).toBe("INVALID_CODE");

    const tenant = { applicationId: w.applicationId, tenantId: w.tenantId };
    expect(m.points.map(({ ms: _ms, ...p }) => p)).toEqual([
      { operation: "request_password_reset", outcome: "succeeded", reason: "ACCEPTED", ...tenant },
      { operation: "reset_password", outcome: "succeeded", reason: "PASSWORD_UPDATED", ...tenant },
      { operation: "reset_password", outcome: "failed", reason: "INVALID_CODE", ...tenant },
      // An unknown code names no tenant; the caller's application is known.
      { operation: "reset_password", outcome: "failed", reason: "INVALID_CODE", applicationId: w.applicationId, tenantId: null },
    ]);
    expect(m.points.every(timed)).toBe(true);
    expectNothingPersonal(m.points, [email, user.id, code, "a brand new password"]);
  });

  it("count logins by outcome and refreshes, and an error thrown by the workflow by its class", async () => {
    const w = await world("metrics-login");
    const email = "metrics-login@example.com";
    const user = await createUser(w, email, "login password 1");
    const m = recorder();
    const deps = await depsWith(m);
    const tenant = await tenantOf(w);
    const ok = await login(deps, w.clientId, tenant, email, "login password 1");
    expect(ok.result).toBe("SUCCESS");
    expect((await login(deps, w.clientId, tenant, email, "wrong password")).result).toBe("INVALID_CREDENTIALS");
    expect((await login(deps, w.clientId, tenant, "nobody@example.com", "wrong password")).result).toBe("INVALID_CREDENTIALS");
    const client = (await getClient(deps.db, w.clientId))!;
    const rotated = await refresh(deps, client, (ok as { refreshToken: string }).refreshToken, END_USER_PERMISSIONS);
    expect(rotated?.refresh_token).toBeDefined();
    expect(await refresh(deps, client, `${user.id}.not-a-token`, END_USER_PERMISSIONS)).toBeNull();
    // An unreachable user object: the workflow throws DependencyUnavailable (503), recorded by its class.
    const broken = await depsWith(m);
    broken.env = { ...env, USERS: { idFromName: () => { throw new Error("boom"); } } as unknown as Env["USERS"] };
    await expect(login(broken, w.clientId, tenant, email, "login password 1")).rejects.toThrow();

    const ids = { applicationId: w.applicationId, tenantId: w.tenantId };
    const clientIds = { applicationId: w.applicationId, tenantId: null };
    expect(m.points.map(({ ms: _ms, ...p }) => p)).toEqual([
      { operation: "login", outcome: "succeeded", reason: "SUCCESS", ...ids },
      { operation: "login", outcome: "failed", reason: "INVALID_CREDENTIALS", ...ids },
      { operation: "login", outcome: "failed", reason: "INVALID_CREDENTIALS", ...ids },
      { operation: "refresh", outcome: "succeeded", reason: "ROTATED", ...clientIds },
      { operation: "refresh", outcome: "failed", reason: "INVALID_GRANT", ...clientIds },
      { operation: "login", outcome: "failed", reason: "DependencyUnavailable", ...ids },
    ]);
    expect(m.points.every(timed)).toBe(true);
    expectNothingPersonal(m.points, [email, "nobody@example.com", user.id, ok.result === "SUCCESS" ? ok.refreshToken : "-", "login password 1"]);
  });

  it("count emails by outcome: sent, retrying, failed and dead", async () => {
    const w = await world("metrics-email");
    const m = recorder();
    const jobs: EmailJob[] = [];
    for (const email of ["flaky-once@example.com", "suppressed-recipient@example.com", "down-dead@example.com"]) {
      await createUser(w, email);
      jobs.push(await resetJob(w, email));
    }
    const [flaky, suppressed, down] = jobs as [EmailJob, EmailJob, EmailJob];
    const deliver = (job: EmailJob, attempts: number, queue = EMAIL_QUEUE) =>
      consumeEmailBatch(createMessageBatch<EmailJob>(queue, [{ id: `msg-${job.id}`, timestamp: Date.now(), attempts, body: job }]), { ...env, ...HTTP_PROVIDER } as Env, m);
    await deliver(flaky, 1);
    await deliver(flaky, 2);
    await deliver(suppressed, 1);
    await deliver(down, 1, DEAD_LETTER_QUEUE);

    const ids = { applicationId: w.applicationId, tenantId: w.tenantId, ms: null };
    expect(m.points).toEqual([
      { operation: "email", outcome: "failed", reason: "retrying", ...ids },
      { operation: "email", outcome: "succeeded", reason: "sent", ...ids },
      { operation: "email", outcome: "failed", reason: "failed", ...ids },
      { operation: "email", outcome: "failed", reason: "dead", ...ids },
    ]);
    expectNothingPersonal(m.points, ["flaky-once@example.com", "suppressed-recipient@example.com", "down-dead@example.com"]);
  });

  it("write the documented Analytics Engine layout, and a failing or missing binding never throws", () => {
    const written: AnalyticsEngineDataPoint[] = [];
    const point: MetricPoint = { operation: "login", outcome: "failed", reason: "INVALID_CREDENTIALS", applicationId: "app", tenantId: null, ms: 12 };
    analyticsEngineMetrics({ writeDataPoint: (p) => void written.push(p!) }).record(point);
    expect(written).toEqual([{ indexes: ["app"], blobs: ["login", "failed", "INVALID_CREDENTIALS", ""], doubles: [12] }]);
    const failing = {
      writeDataPoint() {
        throw new Error("over the limit");
      },
    };
    expect(() => analyticsEngineMetrics(failing).record(point)).not.toThrow();
    expect(() => analyticsEngineMetrics(undefined).record(point)).not.toThrow();
  });

  it("leave requests working with the local binding, and with none bound", async () => {
    const w = await world("metrics-binding");
    await createUser(w, "metrics-binding@example.com", "binding password 1");
    const body = { tenantId: w.tenantId, email: "metrics-binding@example.com", password: "binding password 1" };
    expect(env.METRICS).toBeDefined();
    expect((await callJson("POST", "/api/v1/login", { token: w.token, body })).body.result).toBe("SUCCESS");
    const unbound = { METRICS: undefined } as unknown as Partial<Env>;
    expect((await callJson("POST", "/api/v1/login", { token: w.token, body, env: unbound })).body.result).toBe("SUCCESS");
  });
});
