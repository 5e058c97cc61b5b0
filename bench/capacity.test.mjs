// The capacity model's arithmetic on small cases worked by hand (node --test bench/capacity.test.mjs).
import assert from "node:assert/strict";
import test from "node:test";
import { consumerSecondsPerMessage, costsFromGeo, messagesByKind } from "./capacity/inputs.mjs";
import { load, plan, queuesByShard, rowBytes, storage } from "./capacity/model.mjs";

const COSTS = {
  "request-password-reset": { d1Queries: 2, d1UserQueries: 1, queueMessages: 1, durableObjectCalls: 0 },
  "reset-password": { d1Queries: 3, d1UserQueries: 2, queueMessages: 1, durableObjectCalls: 1 },
  refresh: { d1Queries: 1, d1UserQueries: 0, queueMessages: 0, durableObjectCalls: 1 },
  consumerPerMessage: { d1Queries: 1, d1UserQueries: 1, durableObjectCalls: 1 },
};
const LIMITS = { d1QueryMs: 1, d1DatabaseBytes: 100_000, queueMessagesPerSecond: 5000, queueConsumerConcurrency: 250 };

test("load adds each operation's own calls and its messages' consumer calls", () => {
  // D1: 100 × (2 + 1×1) + 100 × (3 + 1×1) + 600 × 1 = 300 + 400 + 600 = 1,300
  // user-scoped: 100 × (1 + 1×1) + 100 × (2 + 1×1) + 600 × 0 = 200 + 300 = 500
  // Objects: 100 × (0 + 1) + 100 × (1 + 1) + 600 × 1 = 900; messages: 100 + 100 = 200
  assert.deepEqual(load({ "request-password-reset": 100, "reset-password": 100, refresh: 600 }, COSTS), {
    d1QueriesPerSecond: 1300,
    d1UserQueriesPerSecond: 500,
    queueMessagesPerSecond: 200,
    durableObjectCallsPerSecond: 900,
  });
});

test("load refuses an operation it has no figures for", () => {
  assert.throws(() => load({ login: 1 }, COSTS), /no per-operation figures for login/);
});

test("plan: shards for the user-scoped queries at the headroom share of 1,000/s; consumers by Little's law", () => {
  const p = plan({ d1QueriesPerSecond: 1800, d1UserQueriesPerSecond: 1300, queueMessagesPerSecond: 200, durableObjectCallsPerSecond: 900 }, { limits: LIMITS, headroom: 0.5, consumerSecondsPerMessage: 0.5 });
  assert.equal(p.shards, 3); // ceil(1,300 / 500)
  assert.equal(p.directoryQueriesPerSecond, 500); // 1,800 - 1,300
  assert.equal(p.directoryDatabaseMultiple, 1); // 500 / 500
  assert.equal(p.consumerConcurrency, 100); // 200/s × 0.5 s
  assert.equal(p.queuesForRate, 1); // ceil(200 / 2,500)
  assert.equal(p.queuesForConsumers, 1); // ceil(100 / 125)
  assert.equal(p.queues, 1);
  assert.equal(p.consumerConcurrencyPerQueue, 100);
  // Without headroom: ceil(1,300 / 1,000)
  assert.equal(plan({ d1QueriesPerSecond: 1300, d1UserQueriesPerSecond: 1300, queueMessagesPerSecond: 0, durableObjectCallsPerSecond: 0 }, { limits: LIMITS, headroom: 1, consumerSecondsPerMessage: 0.5 }).shards, 2);
});

test("plan: queues for the message rate and for the consumers in flight, whichever needs more", () => {
  const p = plan({ d1QueriesPerSecond: 0, d1UserQueriesPerSecond: 0, queueMessagesPerSecond: 10_000, durableObjectCallsPerSecond: 0 }, { limits: LIMITS, headroom: 0.5, consumerSecondsPerMessage: 0.1 });
  assert.equal(p.shards, 1);
  assert.equal(p.queuesForRate, 4); // ceil(10,000 / 2,500)
  assert.equal(p.consumerConcurrency, 1000); // 10,000/s × 0.1 s
  assert.equal(p.queuesForConsumers, 8); // ceil(1,000 / 125)
  assert.equal(p.queues, 8);
  assert.equal(p.consumerConcurrencyPerQueue, 125);
});

test("rowBytes: record and index entries with their overheads, over the page fill", () => {
  // Record: 10 + 6 values, 2 + 1 header bytes, 8 rowid and cell = 27; index: 10 + 11 = 21; (27 + 21) / 0.5
  assert.equal(rowBytes({ columns: { a: 10, b: 6 }, indexes: { ix: 10 } }, { fill: 0.5 }), 96);
});

test("storage: users plus each kind of row for its retention, split over shards at the headroom", () => {
  const r = storage(
    { users: 1000, resetFlowsPerDay: 10 },
    {
      bytes: { user: 100, resetCode: 200, resetEmailSend: 50, emailDelivery: 80, auditEvent: 150 },
      retentionDays: { resetCode: 8, resetEmailSend: 1, emailDelivery: 90, auditEvent: 90 },
      rowsPerResetFlow: { resetCode: 1, resetEmailSend: 1, emailDelivery: 2, auditEvent: 2 },
      limits: LIMITS,
      headroom: 0.5,
    },
  );
  // 100,000 + 80 × 200 + 10 × 50 + 1,800 × 80 + 1,800 × 150 = 100,000 + 16,000 + 500 + 144,000 + 270,000
  assert.equal(r.totalBytes, 530_500);
  assert.deepEqual(
    r.parts.map((p) => p.rows),
    [1000, 80, 10, 1800, 1800],
  );
  assert.equal(r.shards, 11); // ceil(530,500 / 50,000)
  assert.equal(r.bytesPerShard, 530_500 / 11);
});

test("costsFromGeo: a bench:geo result's far medians, before + after, with the object's queue sends", () => {
  const zero = { d1Primary: 0, d1Replica: 0, durableObject: 0, queue: 0, mail: 0, d1User: 0, d1Directory: 0, d1DenyList: 0, d1Other: 0 };
  const op = (before, after, object = zero) => ({ calls: { median: { before: { ...zero, ...before }, after: { ...zero, ...after }, object: { ...zero, ...object } } } });
  const geo = {
    profiles: {
      same: { consumer: { batchOf1Ms: 120 } },
      far: {
        ops: {
          "request-password-reset, known": op({ d1Primary: 3, d1User: 2, queue: 1 }, { d1Primary: 1, d1User: 1 }),
          "reset-password, link code": op({ d1Primary: 4, d1Replica: 1, d1User: 3, durableObject: 1 }, {}, { queue: 1 }),
          refresh: op({ d1Primary: 2, durableObject: 1 }, {}),
        },
        consumer: { perMessage: { d1Primary: 5.5, d1Replica: 0.5, d1User: 4, durableObject: 1, queue: 1 } },
      },
    },
  };
  assert.deepEqual(costsFromGeo(geo), {
    "request-password-reset": { d1Queries: 4, d1UserQueries: 3, queueMessages: 1, emailJobs: 1, durableObjectCalls: 0 },
    "reset-password": { d1Queries: 5, d1UserQueries: 3, queueMessages: 1, emailJobs: 1, durableObjectCalls: 1 },
    refresh: { d1Queries: 2, d1UserQueries: 0, queueMessages: 0, emailJobs: 0, durableObjectCalls: 1 },
    consumerPerMessage: { d1Queries: 6, d1UserQueries: 4, durableObjectCalls: 1, queueMessages: 1 },
    measuredConsumerSecondsPerMessage: 0.12,
  });
});

test("consumerSecondsPerMessage: its calls one after another at 5 ms, plus 100 ms for the provider", () => {
  // (6 + 1) × 5 ms + 100 ms = 135 ms
  assert.equal(consumerSecondsPerMessage({ d1Queries: 6, d1UserQueries: 4, durableObjectCalls: 1 }), 0.135);
});

test("queuesByShard: the smallest k whose busiest queue (⌈S/k⌉ of S shards) stays under both limits", () => {
  const settings = { limits: LIMITS, headroom: 0.5 };
  // 10,000/s over 8 shards: k = 4 puts 2 shards (2,500/s) on each queue, exactly the planned 2,500.
  assert.deepEqual(queuesByShard({ messagesPerSecond: 10_000, consumersInFlight: 0, shards: 8 }, settings), {
    queues: 4,
    busiestShare: 0.25,
    busiestMessagesPerSecond: 2500,
    busiestConsumersInFlight: 0,
  });
  // 10 shards: k = 4 leaves a queue with 3 shards (3,000/s); k = 5 gives 2 each.
  assert.equal(queuesByShard({ messagesPerSecond: 10_000, consumersInFlight: 0, shards: 10 }, settings).queues, 5);
  // Consumers can decide it: 1,000 in flight over 10 shards needs ≤ 125 per queue, 1 shard each → k = 10.
  assert.equal(queuesByShard({ messagesPerSecond: 100, consumersInFlight: 1000, shards: 10 }, settings).queues, 10);
  // One queue when it all fits.
  assert.equal(queuesByShard({ messagesPerSecond: 2000, consumersInFlight: 100, shards: 3 }, settings).queues, 1);
  // One shard's messages over a queue's 2,500: no k works, more shards are needed.
  const none = queuesByShard({ messagesPerSecond: 6000, consumersInFlight: 0, shards: 2 }, settings);
  assert.equal(none.queues, null);
  assert.equal(none.busiestMessagesPerSecond, 3000);
});

test("messagesByKind: each operation's messages split into email jobs and audit events", () => {
  const costs = { "request-password-reset": { queueMessages: 2 }, "reset-password": { queueMessages: 2 }, refresh: { queueMessages: 0 } };
  assert.deepEqual(messagesByKind({ "request-password-reset": 100, "reset-password": 10, refresh: 1000 }, costs), { emailJobsPerSecond: 110, auditEventsPerSecond: 110 });
  // A measured count below the structural one never goes negative.
  assert.deepEqual(messagesByKind({ "request-password-reset": 100 }, { "request-password-reset": { queueMessages: 0 } }), { emailJobsPerSecond: 0, auditEventsPerSecond: 0 });
});

test("the email consumer's costs apply to email jobs only, and the audit events it sends count as audit messages", () => {
  // Request-reset: 1 email job whose consumer sends its audit event; reset: a notice and its own audit event.
  const costs = {
    "request-password-reset": { d1Queries: 0, d1UserQueries: 0, queueMessages: 1, emailJobs: 1, durableObjectCalls: 1 },
    "reset-password": { d1Queries: 2, d1UserQueries: 2, queueMessages: 2, emailJobs: 1, durableObjectCalls: 1 },
    consumerPerMessage: { d1Queries: 1.5, d1UserQueries: 1, durableObjectCalls: 1, queueMessages: 1 },
  };
  const mix = { "request-password-reset": 100, "reset-password": 10 };
  // D1: 100 × (0 + 1 × 1.5) + 10 × (2 + 1 × 1.5) = 150 + 35 = 185; user-scoped: 100 × 1 + 10 × 3 = 130
  // messages: 100 × (1 + 1 × 1) + 10 × (2 + 1 × 1) = 200 + 30 = 230; objects: 100 × 2 + 10 × 2 = 220
  assert.deepEqual(load(mix, costs), { d1QueriesPerSecond: 185, d1UserQueriesPerSecond: 130, queueMessagesPerSecond: 230, durableObjectCallsPerSecond: 220 });
  // Email jobs 100 + 10; audit events: the reset's own 10, and the consumer's 110.
  assert.deepEqual(messagesByKind(mix, costs), { emailJobsPerSecond: 110, auditEventsPerSecond: 120 });
});
