// `npm run capacity` (issue 19 item 5; docs/capacity.md explains it): how many D1 shards, queues
// and consumer invocations the target mix needs at today's per-operation costs, and how much each
// shard stores. Costs come from bench/geo.json (`npm run bench:geo`) when present, else from the
// cited defaults in bench/capacity/inputs.mjs. Plain arithmetic: nothing is started.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AUDIT_CONSUMER, CONSUMER_TIME, DEFAULT_COSTS, HEADROOM, LIMITS, PAGE_FILL, RETENTION_DAYS, ROWS_PER_RESET_FLOW, ROW_SPECS, SCENARIOS, SOURCES, consumerSecondsPerMessage, costsFromGeo, messagesByKind } from "./capacity/inputs.mjs";
import { load, plan, queuesByShard, rowBytes, storage } from "./capacity/model.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const int = (x) => Math.round(x).toLocaleString("en-US");
const gb = (bytes) => `${(bytes / 1e9).toFixed(1)} GB`;

function costs() {
  const file = path.join(root, "bench", "geo.json");
  if (!existsSync(file)) return { costs: DEFAULT_COSTS, from: `defaults (${SOURCES.defaults})` };
  const geo = JSON.parse(readFileSync(file, "utf8"));
  return { costs: costsFromGeo(geo), from: `bench/geo.json (bench:geo at ${geo.commit}, ${geo.generatedAt}, far profile medians)` };
}

/** The queue lists wrangler.toml configures (its [vars]), for the mapping the output states. */
function configuredQueues() {
  const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const list = (name, single) => {
    const m = new RegExp(`^${name} = '(.*)'$`, "m").exec(toml);
    return m && m[1].trim() !== "" ? JSON.parse(m[1]) : [single];
  };
  return { email: list("EMAIL_QUEUES", "EMAIL_QUEUE"), audit: list("AUDIT_QUEUES", "AUDIT_QUEUE") };
}

/** Email and audit queues under the configured mapping (queue = shard mod k) over the plan's shards. */
function printQueuesByShard(mix, c, p, perMessage) {
  const { emailJobsPerSecond, auditEventsPerSecond } = messagesByKind(mix, c);
  const settings = { limits: LIMITS, headroom: HEADROOM };
  const kinds = [
    ["email jobs/s", emailJobsPerSecond, Math.ceil(emailJobsPerSecond * perMessage), "email", configured.email],
    ["audit events/s", auditEventsPerSecond, Math.ceil((auditEventsPerSecond / AUDIT_CONSUMER.batchSize) * AUDIT_CONSUMER.secondsPerBatch), "audit", configured.audit],
  ];
  for (const [label, rate, consumers, kind, names] of kinds) {
    const q = queuesByShard({ messagesPerSecond: rate, consumersInFlight: consumers, shards: p.shards }, settings);
    const need = q.queues === null ? `no queue count works: one shard's messages exceed a queue; add shards` : `${q.queues} ${kind} queue(s)`;
    console.log(
      `  ${label.padEnd(22)} ${int(rate)}, ${int(consumers)} consumers in flight -> ${need} (shard mod k over ${p.shards} shards: busiest queue ${int(q.busiestMessagesPerSecond)} messages/s, ${q.busiestConsumersInFlight} consumers); configured: ${names.length} (${names.join(", ")})`,
    );
  }
}

function printPlan(title, p) {
  console.log(`\n${title}`);
  console.log(`  D1 queries/s           ${int(p.d1QueriesPerSecond)}, of which on user-scoped rows ${int(p.d1UserQueriesPerSecond)}  -> ${p.shards} shards (${int(p.d1QueriesPerShardLimit * HEADROOM)} queries/s planned per shard)`);
  console.log(`  directory + deny-list  ${int(p.directoryQueriesPerSecond)} queries/s: ${p.directoryDatabaseMultiple.toFixed(1)} × what one database may carry (reads for replicas and isolate caches)`);
  console.log(`  queue messages/s       ${int(p.queueMessagesPerSecond)}  -> ${p.queuesForRate} queue(s) for the rate`);
  console.log(`  consumer invocations   ${int(p.consumerConcurrency)} in flight  -> ${p.queuesForConsumers} queue(s) for concurrency; ${p.queues} queues, ${p.consumerConcurrencyPerQueue} concurrent consumers each`);
  console.log(`  Durable Object calls/s ${int(p.durableObjectCallsPerSecond)} in all, spread over one object per user`);
}

let configured;

function main() {
  const { costs: c, from } = costs();
  configured = configuredQueues();
  const bytes = Object.fromEntries(Object.entries(ROW_SPECS).map(([name, spec]) => [name, rowBytes(spec, { fill: PAGE_FILL })]));
  const perMessage = consumerSecondsPerMessage(c.consumerPerMessage);
  const settings = { limits: LIMITS, headroom: HEADROOM, consumerSecondsPerMessage: perMessage };

  console.log("Capacity model (docs/capacity.md)");
  console.log(`Headroom: every resource planned at ${HEADROOM * 100} % of its limit.`);
  console.log(`Limits: D1 ${1000 / LIMITS.d1QueryMs} queries/s and ${gb(LIMITS.d1DatabaseBytes)} per database; queue ${int(LIMITS.queueMessagesPerSecond)} messages/s and ${LIMITS.queueConsumerConcurrency} concurrent consumers; Durable Object ${LIMITS.durableObjectRequestsPerSecond} requests/s per object.`);
  console.log(`  ${SOURCES.d1}\n  ${SOURCES.queue}\n  ${SOURCES.durableObject}`);
  console.log(`Per-operation costs from ${from}:`);
  for (const op of ["request-password-reset", "reset-password", "refresh"]) {
    console.log(`  ${op.padEnd(24)} ${c[op].d1Queries} D1 queries (${c[op].d1UserQueries} on user-scoped rows), ${c[op].queueMessages} queue messages, ${c[op].durableObjectCalls} Durable Object calls`);
  }
  console.log(`  consumer, per message    ${c.consumerPerMessage.d1Queries} D1 queries (${c.consumerPerMessage.d1UserQueries} on user-scoped rows), ${c.consumerPerMessage.durableObjectCalls} Durable Object calls, ${c.consumerPerMessage.queueMessages ?? 0} audit events sent (its request's)`);
  const measured = c.measuredConsumerSecondsPerMessage === undefined ? "" : `; measured locally ${(c.measuredConsumerSecondsPerMessage * 1000).toFixed(0)} ms, not used`;
  console.log(`  consumer time per message ${(perMessage * 1000).toFixed(0)} ms: its calls one after another at ${CONSUMER_TIME.roundTripMs} ms + ${CONSUMER_TIME.providerSendMs} ms for the email provider (assumed)${measured}`);
  console.log(`Queues: ${SOURCES.queueMapping}; configured ${configured.email.length} email, ${configured.audit.length} audit (wrangler.toml)`);
  console.log(`  email jobs per operation: ${SOURCES.emailJobs}; ${SOURCES.auditEvents}`);
  console.log(`  audit consumer: a batch of ${AUDIT_CONSUMER.batchSize} in ${AUDIT_CONSUMER.secondsPerBatch * 1000} ms (assumed)`);
  console.log(`Row sizes (estimated from migrations/*.sql, pages ${PAGE_FILL * 100} % full): ${Object.entries(bytes).map(([k, v]) => `${k} ${v} B`).join(", ")}`);

  const s = SCENARIOS.steady;
  const refreshPerSecond = (s.dailyActiveUsers * s.activeShareOfDay) / s.refreshIntervalSeconds;
  const steadyMix = { "request-password-reset": s.resetFlowsPerSecond, "reset-password": s.resetFlowsPerSecond, refresh: refreshPerSecond };
  const steady = plan(load(steadyMix, c), settings);
  printPlan(
    `(a) steady: ${int(s.resetFlowsPerSecond)} reset flows/s (request + reset) and ${int(s.dailyActiveUsers)} daily active users refreshing every ${s.refreshIntervalSeconds / 60} min (${int(refreshPerSecond)} refreshes/s; share of the day active: ${s.activeShareOfDay})`,
    steady,
  );
  printQueuesByShard(steadyMix, c, steady, perMessage);
  const refreshOnly = plan(load({ refresh: refreshPerSecond }, c), settings);
  console.log(`  of which refreshes alone: ${int(refreshOnly.d1QueriesPerSecond)} queries/s (${int(refreshOnly.d1UserQueriesPerSecond)} user-scoped) -> ${refreshOnly.shards} shards`);
  console.log(`  busiest object: one user's refresh every ${s.refreshIntervalSeconds} s, ${(1 / s.refreshIntervalSeconds).toFixed(4)} requests/s against ${LIMITS.durableObjectRequestsPerSecond}`);

  const b = SCENARIOS.burst;
  const burstMix = { "request-password-reset": b.requestResetsPerSecond };
  const burst = plan(load(burstMix, c), settings);
  printPlan(`(b) burst: ${int(b.requestResetsPerSecond)} request-password-reset/s for ${b.seconds / 60} minutes (${int(b.requestResetsPerSecond * b.seconds)} requests, as many emails)`, burst);
  printQueuesByShard(burstMix, c, burst, perMessage);

  const st = SCENARIOS.storage;
  const storageSettings = { bytes, retentionDays: RETENTION_DAYS, rowsPerResetFlow: ROWS_PER_RESET_FLOW, limits: LIMITS, headroom: HEADROOM };
  const cases = [
    [`upper bound, the steady ${int(st.resetFlowsPerDayUpperBound)} reset flows a day`, st.resetFlowsPerDayUpperBound],
    [`assumed ${st.resetsPerUserPerYear} resets per user a year (${int((st.users * st.resetsPerUserPerYear) / 365)} a day)`, (st.users * st.resetsPerUserPerYear) / 365],
  ];
  console.log(`\n(c) storage: ${int(st.users)} users, audit events ${RETENTION_DAYS.auditEvent} days, at ${HEADROOM * 100} % of ${gb(LIMITS.d1DatabaseBytes)} per shard`);
  for (const [label, perDay] of cases) {
    const r = storage({ users: st.users, resetFlowsPerDay: perDay }, storageSettings);
    const parts = r.parts.map((p) => `${p.name} ${gb(p.bytes)}`).join(", ");
    console.log(`  ${label}: ${gb(r.totalBytes)} (${parts}) -> ${r.shards} shards for storage`);
    const shards = Math.max(r.shards, steady.shards);
    console.log(`    with (a)'s ${steady.shards} shards for load: ${shards} shards, ${gb(r.totalBytes / shards)} each`);
  }
}

main();
