// The single-threaded D1 model's arithmetic (node --test bench/shards.test.mjs): FIFO order, the
// service time per statement, and each database's queue independent of the others.
import assert from "node:assert/strict";
import test from "node:test";
import { createD1Model } from "./shards/d1-queue.mjs";

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
