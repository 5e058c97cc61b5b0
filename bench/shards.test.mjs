// The single-threaded D1 model's arithmetic (node --test bench/shards.test.mjs): FIFO order, the
// service time per statement, and each database's queue independent of the others; the rate
// search (which rate to offer next, where it stops) and the statements per request under load.
import assert from "node:assert/strict";
import test from "node:test";
import { createD1Model } from "./shards/d1-queue.mjs";
import { withShards } from "./shards/config.mjs";
import { keptUp, limitsFor, modelServiceMs, probeRate, statementsPerRequest } from "./shards/ramp.mjs";
import { nextRate, rampOutcome } from "./shards/search.mjs";

test("an idle database holds a call for its statements × the service time, with no queue wait", () => {
  const m = createD1Model(2);
  assert.equal(m.hold("DB", 1, 100), 2);
  // A batch of 3 arriving after the first finished: 3 × 2 ms, no wait.
  assert.equal(m.hold("DB", 3, 110), 6);
  const s = m.stats(120).databases.DB;
  assert.deepEqual({ calls: s.calls, statements: s.statements, busyMs: s.busyMs, meanWaitMs: s.meanWaitMs, backlogMs: s.backlogMs }, { calls: 2, statements: 4, busyMs: 8, meanWaitMs: 0, backlogMs: 0 });
});

test("calls arriving together are served first come, first served", () => {
  const m = createD1Model(1);
  // Three calls at t = 0: the first waits 1 ms in all, the second 2, the third (a batch of 2) 4.
  assert.deepEqual([m.hold("DB", 1, 0), m.hold("DB", 1, 0), m.hold("DB", 2, 0)], [1, 2, 4]);
  // One arriving at t = 1 queues behind the batch, which ends at 4: it is done at 5.
  assert.equal(m.hold("DB", 1, 1), 4);
  const s = m.stats(2).databases.DB;
  // Waits before service: 0, 1, 2, 3 (arrived at 1, started at 4); 2 ms of work still queued at t = 2.
  assert.equal(s.meanWaitMs, (0 + 1 + 2 + 3) / 4);
  assert.equal(s.maxWaitMs, 3);
  assert.equal(s.backlogMs, 3);
});

test("each database is its own queue: a busy one delays nobody on another", () => {
  const m = createD1Model(5);
  for (let i = 0; i < 10; i++) m.hold("DB_SHARD_0", 1, 0);
  assert.equal(m.hold("DB_SHARD_1", 1, 0), 5);
  assert.equal(m.hold("DB", 1, 0), 5);
  assert.equal(m.hold("DB_SHARD_0", 1, 0), 55);
  const { databases } = m.stats(50);
  assert.deepEqual(
    Object.fromEntries(Object.entries(databases).map(([name, d]) => [name, d.busyMs])),
    { DB: 5, DB_SHARD_0: 55, DB_SHARD_1: 5 },
  );
});

test("utilisation is busy time over the time since the last reset, and a reset keeps the queued work", () => {
  const m = createD1Model(1);
  m.reset(0);
  for (let t = 0; t < 100; t += 4) m.hold("DB", 1, t); // 25 calls of 1 ms in 100 ms
  assert.equal(m.stats(100).databases.DB.utilisation, 0.25);
  for (let i = 0; i < 10; i++) m.hold("DB", 1, 100);
  m.reset(100);
  const s = m.stats(105).databases.DB;
  assert.deepEqual({ calls: s.calls, busyMs: s.busyMs, backlogMs: s.backlogMs }, { calls: 0, busyMs: 0, backlogMs: 5 });
  // The queued work still delays the next call: it waits for the 5 ms left, then its own 1 ms.
  assert.equal(m.hold("DB", 1, 105), 6);
});

test("the service time can change between calls; a call keeps the time it was admitted with", () => {
  const m = createD1Model(1);
  assert.equal(m.hold("DB", 1, 0), 1);
  m.serviceMs = 10;
  assert.equal(m.hold("DB", 2, 0), 21);
  assert.equal(m.stats(0).serviceMs, 10);
});

test("the larger service time makes the most shards saturate at about 80 % of the CPU ceiling, rounded up to 10 ms", () => {
  // 8 statements a request, a ceiling of 10 a second, 4 shards: 1000 × 8 / (4 × 0.8 × 10) = 250 ms.
  assert.equal(modelServiceMs(8, 10, 4), 250);
  // 5 statements, a ceiling of 80, 4 shards: 19.5 ms → 20; never above the route's 1,000 ms.
  assert.equal(modelServiceMs(5, 80, 4), 20);
  assert.equal(modelServiceMs(8, 1, 4), 1000);
});

test("a step keeps up only with every answer, ≥ 85 % of the rate answered, p95 and backlog under the limits, no database above 100 %", () => {
  const limits = limitsFor(20); // p95 ≤ 2,500 ms, backlog ≤ 2,000 ms, the step's emails consumed ≤ 3,000 ms after its last answer
  assert.deepEqual(limits, { latencyLimitMs: 2500, backlogLimitMs: 2000, drainLimitMs: 3000 });
  const step = (over) => ({ rate: 10, errors: 0, answeredPerSecond: 8.6, p95: 2400, drainMs: 2900, atWindowEnd: { databases: { DB: { backlogMs: 1900, utilisation: 1 }, DB_SHARD_0: { backlogMs: 0, utilisation: 0.2 } } }, ...over });
  assert.equal(keptUp(step({}), limits), true);
  assert.equal(keptUp(step({ errors: 1 }), limits), false);
  assert.equal(keptUp(step({ answeredPerSecond: 8.4 }), limits), false);
  assert.equal(keptUp(step({ p95: 2600 }), limits), false);
  assert.equal(keptUp(step({ atWindowEnd: { databases: { DB: { backlogMs: 0, utilisation: 0.5 }, DB_SHARD_0: { backlogMs: 2100, utilisation: 0.5 } } } }), limits), false);
  // Offered more work than the step's time, though its backlog is still short.
  assert.equal(keptUp(step({ atWindowEnd: { databases: { DB: { backlogMs: 1000, utilisation: 1.07 }, DB_SHARD_0: { backlogMs: 0, utilisation: 0.2 } } } }), limits), false);
  // The answers kept pace, but the email consumer did not: its queue absorbed what the databases could not serve.
  assert.equal(keptUp(step({ drainMs: 3100 }), limits), false);
  assert.equal(keptUp(step({ drainMs: null }), limits), false);
  assert.equal(keptUp(step({ drainMs: undefined }), limits), false);
});

test("the config for n shards declares DB_SHARD_0 … n-1, each its own database, and a shard map over all of them", () => {
  const toml = [
    `SHARD_MAP = '{"bindings":["DB_SHARD_0","DB_SHARD_1"],"versions":[{"version":1,"sets":{"default":[0,1]}}]}'`,
    "",
    "[[d1_databases]]",
    'binding = "DB"',
    'database_id = "00000000-0000-0000-0000-000000000000"',
    "",
    "# shards",
    "[[d1_databases]]",
    'binding = "DB_SHARD_0"',
    'database_name = "edge-password-reset-shard-0"',
    'database_id = "00000000-0000-0000-0000-000000000010"',
    'migrations_dir = "migrations"',
    "",
    "[[d1_databases]]",
    'binding = "DB_SHARD_1"',
    'database_name = "edge-password-reset-shard-1"',
    'database_id = "00000000-0000-0000-0000-000000000011"',
    'migrations_dir = "migrations"',
    "",
    "[[durable_objects.bindings]]",
    "",
  ].join("\n");
  const four = withShards(toml, 4);
  assert.deepEqual(four.databases, ["DB", "DB_SHARD_0", "DB_SHARD_1", "DB_SHARD_2", "DB_SHARD_3"]);
  assert.equal([...four.text.matchAll(/binding = "DB_SHARD_(\d)"/g)].map((m) => m[1]).join(","), "0,1,2,3");
  const ids = [...four.text.matchAll(/database_id = "([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, 5);
  assert.match(four.text, /database_name = "edge-password-reset-shard-3"/);
  assert.match(four.text, /SHARD_MAP = '\{"bindings":\["DB_SHARD_0","DB_SHARD_1","DB_SHARD_2","DB_SHARD_3"\],"versions":\[\{"version":1,"sets":\{"default":\[0,1,2,3\]\}\}\],"usersInDirectory":false\}'/);
  assert.ok(four.text.indexOf("DB_SHARD_3") < four.text.indexOf("[[durable_objects.bindings]]"));
  const one = withShards(toml, 1);
  assert.deepEqual(one.databases, ["DB", "DB_SHARD_0"]);
  assert.doesNotMatch(one.text, /DB_SHARD_1/);
});

test("a config without shards keeps everything in DB: one shard runs, more are refused", () => {
  const toml = '[[d1_databases]]\nbinding = "DB"\n';
  assert.deepEqual(withShards(toml, 1), { text: toml, databases: ["DB"], shardsDeclared: false });
  assert.throws(() => withShards(toml, 2), /declares no DB_SHARD_ databases/);
});

/** Runs the rate search against a service that keeps up below `ceiling` a second; answers the rates offered, in order. */
function search(ceiling, options) {
  const steps = [];
  for (let rate = nextRate(steps, options); rate !== null; rate = nextRate(steps, options)) {
    steps.push({ rate, keptUp: rate < ceiling });
    if (steps.length > 40) throw new Error("the search did not end");
  }
  return steps;
}

const SEARCH = { startRate: 16, factor: 1.25, fineRatio: 1.12, cap: 200 };

test("a ramp that keeps up at its computed top continues upward until a step does not keep up", () => {
  // The top computed from the model-off statements is 20 a second; under load the service keeps up to 60.
  const steps = search(60, { ...SEARCH, startRate: 0.8 * 20 });
  const highest = Math.max(...steps.map((s) => s.rate));
  assert.ok(highest >= 60, `rose to ${highest} only`);
  assert.ok(steps.some((s) => !s.keptUp));
  const out = rampOutcome(steps);
  assert.equal(out.saturated, true);
  // Within the fine ratio of the true ceiling, from below.
  assert.ok(out.sustainedRate < 60 && out.sustainedRate * 1.12 >= 60, `sustained ${out.sustainedRate}`);
  // All kept up so far, at and above the computed top: the next rate is higher still.
  const kept = [16, 20, 25].map((rate) => ({ rate, keptUp: true }));
  assert.equal(nextRate(kept, SEARCH), 25 * 1.25);
});

test("a ramp stops rising at the first step that does not keep up: later steps only narrow the gap below it", () => {
  const steps = search(30, SEARCH);
  const firstFailed = steps.findIndex((s) => !s.keptUp);
  assert.ok(firstFailed > 0);
  const ceiling = steps[firstFailed].rate;
  const highestKept = steps[firstFailed - 1].rate;
  for (const s of steps.slice(firstFailed + 1)) assert.ok(s.rate > highestKept && s.rate < ceiling, `${s.rate} outside (${highestKept}, ${ceiling})`);
  // It ends once the highest kept and the lowest failed are within the fine ratio.
  const out = rampOutcome(steps);
  assert.ok(out.failedStep.rate / out.sustainedRate <= 1.12);
  assert.equal(out.sustainedRate, out.atSustained.rate);
  // With no fine search (the fine ratio as wide as a coarse step), nothing runs after the first failure.
  const coarse = search(30, { ...SEARCH, fineRatio: 1.25 });
  assert.equal(coarse.at(-1).keptUp, false);
  assert.equal(coarse.filter((s) => !s.keptUp).length, 1);
  // A first step that does not keep up: the search goes down, then narrows the gap.
  const high = search(10, SEARCH);
  assert.equal(high[0].keptUp, false);
  assert.ok(high[1].rate < high[0].rate);
  assert.ok(rampOutcome(high).sustainedRate > 0);
});

test("a ramp never offers more than its cap, and one that keeps up at the cap is reported not saturated", () => {
  const steps = search(Infinity, SEARCH);
  assert.equal(Math.max(...steps.map((s) => s.rate)), SEARCH.cap);
  assert.equal(steps.at(-1).rate, SEARCH.cap);
  const out = rampOutcome(steps);
  assert.equal(out.saturated, false);
  assert.equal(out.sustainedRate, SEARCH.cap);
  assert.equal(out.failedStep, null);
  // A start above the cap starts at the cap.
  assert.equal(nextRate([], { ...SEARCH, startRate: 500 }), SEARCH.cap);
  // Nothing keeps up down to the lowest rate: the search gives up, nothing sustained.
  const none = search(0, SEARCH);
  assert.ok(none.every((s) => !s.keptUp));
  assert.equal(rampOutcome(none).sustainedRate, 0);
});

test("statements per request under load count each database's statements from a step's start until it drained", () => {
  const drained = { databases: { DB: { statements: 0 }, "DB replica": { statements: 115 }, DB_SHARD_0: { statements: 250 } } };
  assert.deepEqual(statementsPerRequest(drained, 100), { DB: 0, "DB replica": 1.15, DB_SHARD_0: 2.5 });
});

test("a probe's rate counts the time its emails took to be consumed after the last answer: the consumer, not the answers, is what a shard limits", () => {
  // 400 answered in 4 s, the queue drained 36 s later: 10 a second end to end, not 100.
  assert.equal(probeRate(400, 4000, 36_000), 10);
  assert.equal(probeRate(400, 4000, 0), 100);
  // Not drained within the timeout: at most what the whole wait allows.
  assert.equal(probeRate(400, 4000, null, 90_000), 4.26);
});
