// Open-loop load for bench:shards: request-password-reset arrivals at a fixed rate, whatever the
// answers' pace, in steps chosen by the rate search (search.mjs) until it finds where the service
// stops keeping up.
import { expectStatus, postJson, request } from "../lib/http.mjs";
import { quantile, round } from "../lib/load.mjs";
import { nextRate, rampOutcome } from "./search.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The bench Worker's model routes (bench/shards/model-env.ts). */
export class ModelService {
  constructor(ours) {
    this.ours = ours;
    this.base = ours.base;
  }

  async service(ms) {
    expectStatus(await request(`${this.base}/__d1model/service?ms=${ms}`, { method: "POST" }), 200, "model service time");
  }

  async stats() {
    return expectStatus(await request(`${this.base}/__d1model/stats`), 200, "model stats").json();
  }

  /** The stats since the last reset, then zero. */
  async take() {
    return expectStatus(await request(`${this.base}/__d1model/reset`, { method: "POST" }), 200, "model reset").json();
  }

  async requestReset(email) {
    const res = await postJson(`${this.base}/api/v1/password-reset/request-password-reset`, { tenantId: this.ours.tenantId, email }, this.ours.bearer);
    expectStatus(res, 200, "request-password-reset");
  }

  /** Until no statement has reached any database for `quietMs` (the seeding's audit batches flushed); false on timeout. */
  async quiet({ quietMs = 6000, timeoutMs = 90_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    const total = (s) => Object.values(s.databases).reduce((n, d) => n + d.statements, 0);
    let last = -1;
    let since = Date.now();
    while (Date.now() < deadline) {
      const now = total(await this.stats());
      if (now !== last) [last, since] = [now, Date.now()];
      else if (Date.now() - since >= quietMs) return true;
      await sleep(500);
    }
    return false;
  }

  /**
   * Until the consumer has handled `messages` since the last reset and no database has work
   * queued, then `settleMs` more (audit batches wait up to 5 s for company); false on timeout.
   */
  async drain(messages, { timeoutMs = 30_000, settleMs = 0 } = {}) {
    return (await this.drainTime(messages, { timeoutMs, settleMs })) !== null;
  }

  /** drain, answering how long it took (ms, before `settleMs`), or null on timeout. */
  async drainTime(messages, { timeoutMs = 30_000, settleMs = 0 } = {}) {
    const start = Date.now();
    const deadline = start + timeoutMs;
    while (Date.now() < deadline) {
      const s = await this.stats();
      const backlog = Math.max(0, ...Object.values(s.databases).map((d) => d.backlogMs));
      if (s.consumedMessages >= messages && backlog === 0) {
        const took = Date.now() - start;
        await sleep(settleMs);
        return took;
      }
      await sleep(100);
    }
    return null;
  }
}

/**
 * One step: `rate` arrivals a second for `seconds`, emails round-robin from `emails` (the
 * cursor carries on across steps, so that each address is asked for as rarely as possible). The
 * model's stats are read the moment the last arrival is sent, so that a backlog then shows work
 * piling up faster than the databases serve it.
 */
export async function step(svc, emails, cursor, rate, seconds) {
  const n = Math.max(1, Math.round(rate * seconds));
  await svc.take();
  const latencies = [];
  const answeredAt = [];
  let errors = 0;
  const start = performance.now();
  const calls = [];
  for (let i = 0; i < n; i++) {
    const due = start + (i * 1000) / rate;
    const now = performance.now();
    if (due > now) await sleep(due - now);
    const sent = performance.now();
    calls.push(
      svc.requestReset(emails[cursor.next++ % emails.length]).then(
        () => {
          answeredAt.push(performance.now());
          latencies.push(performance.now() - sent);
        },
        () => errors++,
      ),
    );
  }
  const atWindowEnd = await svc.stats();
  const windowMs = performance.now() - start;
  await Promise.all(calls);
  // The pace of the answers, first to last: steady, it is the arrival rate; overloaded, the rate
  // the service can answer at (n / the whole time would count the last request's latency against it).
  const span = answeredAt.length > 1 ? Math.max(...answeredAt) - Math.min(...answeredAt) : 0;
  return {
    rate: round(rate, 2),
    n,
    errors,
    answeredPerSecond: span > 0 ? round(((answeredAt.length - 1) / span) * 1000, 2) : 0,
    p50: round(quantile(latencies, 0.5)),
    p95: round(quantile(latencies, 0.95)),
    windowMs: round(windowMs, 0),
    atWindowEnd,
  };
}

/**
 * A service time at which the most shards, if they scaled linearly from one, would saturate at 80 %
 * of the CPU ceiling: so that the model, not workerd's one thread, is what saturates, at rates as
 * high as that allows (low rates need long steps). From the busiest database's statements per
 * request with one shard (as counted at the CPU ceiling: the consumer batches more under load than
 * in the warm-up); rounded up to 10 ms.
 */
export function modelServiceMs(statementsPerRequest, cpuCeiling, mostShards) {
  const ms = (1000 * statementsPerRequest) / (mostShards * 0.8 * cpuCeiling);
  return Math.min(1000, Math.ceil(ms / 10) * 10);
}

/**
 * The limits a step must stay under at service time `serviceMs`: they grow with it, as a request's
 * own statements (and an audit batch of 40, queued at once) take longer to serve. The drain limit
 * bounds how long after the step's last answer its emails may still be in the consumer's hands: a
 * request-password-reset answers once its job is queued and makes no D1 query of its own, so a
 * saturated shard shows as email jobs piling up in the queue, not as slow answers. The queue's
 * max_batch_timeout (1 s) is inside it.
 */
export function limitsFor(serviceMs) {
  return { latencyLimitMs: 2000 + 25 * serviceMs, backlogLimitMs: 1000 + 50 * serviceMs, drainLimitMs: 2000 + 50 * serviceMs };
}

/**
 * Whether a step kept up: every answer a 200, answered at ≥ 85 % of the offered rate (answers first
 * to last), p95 and each database's backlog under the limits, no database offered more work in
 * the step than the step's time (utilisation above 100 %: saturated, however short the step), and
 * the step's emails all consumed within the drain limit of its last answer (`drainMs`).
 */
export function keptUp(s, { latencyLimitMs, backlogLimitMs, drainLimitMs }) {
  const dbs = Object.values(s.atWindowEnd.databases);
  const backlog = Math.max(0, ...dbs.map((d) => d.backlogMs));
  const busiest = Math.max(0, ...dbs.map((d) => d.utilisation));
  const consumed = typeof s.drainMs === "number" && s.drainMs <= drainLimitMs;
  return s.errors === 0 && s.answeredPerSecond >= 0.85 * s.rate && s.p95 <= latencyLimitMs && backlog <= backlogLimitMs && busiest <= 1 && consumed;
}

/** Each database's statements per request over a step, from its start until it drained (consumer and audit included). */
export function statementsPerRequest(stats, requests) {
  return Object.fromEntries(Object.entries(stats.databases).map(([name, d]) => [name, round(d.statements / requests, 2)]));
}

/**
 * A probe's end-to-end rate: its answered requests over the time until their emails were all
 * consumed (`drainMs` after the last answer; null: not within `timeoutMs`, so at most this).
 */
export function probeRate(answered, elapsedMs, drainMs, timeoutMs = 90_000) {
  return round((answered * 1000) / (elapsedMs + (drainMs ?? timeoutMs)), 2);
}

/**
 * Closed loop for `seconds`: `concurrency` callers, each sending its next request as soon as its
 * last is answered; then the databases are drained of the answered requests' emails. Answers the
 * rate end to end (answered ÷ the time until their emails were consumed), about the most the service
 * and its consumer can take: where a ramp starts. A request answers once its job is queued, so the
 * answers alone would say nothing of the shards.
 */
export async function probe(svc, emails, cursor, { concurrency = 32, seconds = 4 } = {}) {
  await svc.take();
  let sent = 0;
  let answered = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const caller = async () => {
    while (performance.now() < end) {
      sent++;
      // A failed request counts for nothing: the ramp's steps judge errors.
      await svc.requestReset(emails[cursor.next++ % emails.length]).then(
        () => answered++,
        () => {},
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsedMs = performance.now() - start;
  const drainMs = await svc.drainTime(answered, { timeoutMs: 90_000 });
  return { perSecond: probeRate(answered, elapsedMs, drainMs), answeredPerSecond: round((answered * 1000) / elapsedMs, 2), drainMs, sent, answered };
}

/**
 * Steps at the rates the search picks (`search`: nextRate's options) until it is done, at most
 * `maxSteps`; the databases drained after each step, and each step's statements per request
 * counted until then (null if it did not drain in 90 s). Answers every step and what they found (rampOutcome).
 */
export async function ramp(svc, emails, cursor, { search, seconds, minRequests, maxSteps, limits, label }) {
  const steps = [];
  for (let rate = nextRate(steps, search); rate !== null && steps.length < maxSteps; rate = nextRate(steps, search)) {
    // At least minRequests, but no step longer than 5 × `seconds`: a slow model runs fewer.
    const s = await step(svc, emails, cursor, rate, Math.min(5 * seconds, Math.max(seconds, minRequests / rate)));
    // The next step starts from rest (the search goes on after a step that did not keep up), and
    // this step's statements are all its own: a step not drained would count its work in the next.
    s.drainMs = await svc.drainTime(s.n, { timeoutMs: 90_000 });
    s.drained = s.drainMs !== null;
    // From the step's start until it drained: each database's share of the whole time it took.
    s.atDrain = await svc.stats();
    s.keptUp = keptUp(s, limits);
    s.perRequest = s.drained ? statementsPerRequest(s.atDrain, s.n) : null;
    steps.push(s);
    const util = Object.entries(s.atWindowEnd.databases).map(([name, d]) => `${name} ${Math.round(d.utilisation * 100)} % (backlog ${Math.round(d.backlogMs)} ms)`);
    const untilDrained = Object.entries(s.atDrain.databases).map(([name, d]) => `${name} ${Math.round(d.utilisation * 100)} %`);
    console.error(`[shards ${label}] ${s.rate}/s offered: ${s.answeredPerSecond}/s answered, p50 ${s.p50} p95 ${s.p95} ms, errors ${s.errors}; ${util.join(", ")}; emails consumed ${s.drained ? `${s.drainMs} ms` : "not in 90 s"} after the last answer (until then: ${untilDrained.join(", ")}); ${s.keptUp ? "kept up" : "DID NOT keep up"}`);
  }
  return { steps, ...rampOutcome(steps), peakAnswered: Math.max(0, ...steps.map((s) => s.answeredPerSecond)) };
}
