// Every input of the capacity model, with where it comes from (docs/capacity.md lists them too).
// PF = /work/shared/platform-facts.md (Cloudflare's published limits as stored, checked 2026-12-05).

export const SOURCES = {
  d1: "PF line 106-107: D1 is single-threaded per database, about 1,000 queries/s at 1 ms each; 10 GB per database, not raisable",
  durableObject: "PF line 117: Durable Objects, soft limit about 1,000 requests/s per object",
  queue: "PF line 122-123: Queues, 5,000 messages/s per queue; consumer batches up to 100; up to 250 concurrent consumer invocations",
  auditRetention: "src/audit/retention.ts: AUDIT_RETENTION_DAYS = 90",
  codeRetention: "src/workflows/retention.ts: EXPIRED_CODE_RETENTION_MS = 7 days after expiry (codes live at most a day before that)",
  sendRetention: "src/workflows/retention.ts: RESET_EMAIL_SEND_RETENTION_MS = 24 h",
  deliveryRetention: "none in src/ today: email_deliveries is never pruned; the model assumes the audit events' 90 days",
  passwordUpdated: "src/policy/password-reset-policy.ts: sendPasswordUpdatedEmail defaults to true (one queue message per reset)",
  emailJobs: "src/workflows/password-reset/request-password-reset.ts enqueueEmail: one email job per request-password-reset (known or not); reset-password: the Password Updated notice (passwordUpdated)",
  auditEvents: "the other queue messages of bench:geo's count: one audit event per request (src/audit/audit-producer.ts)",
  queueMapping: "src/shards/queue-set.ts: a message goes to queue (its shard mod the number of queues); wrangler.toml EMAIL_QUEUES, AUDIT_QUEUES",
  defaults: "issue 19 (measured at aa210b6 with a counting wrapper): request-password-reset about 8 D1 queries including the consumer's about 4 per message, a link reset 5, a refresh 2",
};

export const LIMITS = {
  d1QueryMs: 1, // PF 106: ~1,000 queries/s per database at 1 ms each
  d1DatabaseBytes: 10e9, // PF 107: 10 GB (decimal, the smaller reading)
  durableObjectRequestsPerSecond: 1000, // PF 117
  queueMessagesPerSecond: 5000, // PF 122
  queueConsumerConcurrency: 250, // PF 123
  queueBatchSize: 100, // PF 123
};

/** Plan every resource at this share of its limit. */
export const HEADROOM = 0.5;

/**
 * Per-operation costs when bench/geo.json is absent (issue 19's figures; the Durable Object calls
 * and the consumer's time are today's bench:geo readings at aa210b6).
 */
// Without a bench:geo run the split by data is unknown: every query is counted as user-scoped,
// which overstates the shards.
export const DEFAULT_COSTS = {
  "request-password-reset": { d1Queries: 4, d1UserQueries: 4, queueMessages: 1, durableObjectCalls: 0 },
  "reset-password": { d1Queries: 5, d1UserQueries: 5, queueMessages: 1, durableObjectCalls: 1 },
  refresh: { d1Queries: 2, d1UserQueries: 2, queueMessages: 0, durableObjectCalls: 1 },
  consumerPerMessage: { d1Queries: 4, d1UserQueries: 4, durableObjectCalls: 1 },
};

/**
 * How long the consumer spends on one message in production: its round trips one after another at
 * the `same` profile's 5 ms (a consumer near its database), plus one call to the email provider,
 * assumed 100 ms (an HTTP API such as Resend's; not measured here). The local figure bench:geo
 * measures is printed beside it but not used: on this shared machine it is mostly CPU wait.
 */
export const CONSUMER_TIME = { roundTripMs: 5, providerSendMs: 100 };

export function consumerSecondsPerMessage(perMessage) {
  return ((perMessage.d1Queries + perMessage.durableObjectCalls) * CONSUMER_TIME.roundTripMs + CONSUMER_TIME.providerSendMs) / 1000;
}

/** Costs from a `npm run bench:geo` result: the `far` run's medians per request, before + after the answer. */
export function costsFromGeo(geo) {
  const far = geo.profiles.far;
  const op = (name) => {
    const m = far.ops[name].calls.median;
    const sum = (target) => m.before[target] + m.after[target];
    const queueMessages = sum("queue") + m.object.queue;
    return { d1Queries: sum("d1Primary") + sum("d1Replica"), d1UserQueries: sum("d1User"), queueMessages, emailJobs: Math.min(EMAIL_JOBS_PER_OPERATION[name.split(",")[0]] ?? 0, queueMessages), durableObjectCalls: sum("durableObject") };
  };
  const c = far.consumer.perMessage;
  return {
    "request-password-reset": op("request-password-reset, known"),
    "reset-password": op("reset-password, link code"),
    refresh: op("refresh"),
    // Its queue sends: the audit event of the request whose job it delivers (src/audit/reset-requested.ts).
    consumerPerMessage: { d1Queries: c.d1Primary + c.d1Replica, d1UserQueries: c.d1User, durableObjectCalls: c.durableObject, queueMessages: c.queue ?? 0 },
    // One message, every call 5 ms away, on this machine: for comparison only (see CONSUMER_TIME).
    measuredConsumerSecondsPerMessage: geo.profiles.same.consumer.batchOf1Ms / 1000,
  };
}

/**
 * Bytes per row: column sizes estimated from migrations/*.sql (ids are 26 characters,
 * src/crypto/random.ts; keyed hashes `<kid>:<43 base64url>` about 52, src/crypto/keyring.ts;
 * timestamps are ms integers, 6 bytes in SQLite; an email about 30 characters; a user agent about
 * 80; an audit detail about 80 bytes of JSON). Index keys as each CREATE INDEX lists them; a TEXT
 * primary key adds an automatic index on it.
 */
export const ROW_SPECS = {
  user: {
    source: "migrations/0000_init.sql users",
    columns: { id: 26, application_id: 26, tenant_id: 26, email: 30, email_key: 30, status: 6, created_at: 6 },
    indexes: { pk_id: 26, users_tenant_email: 26 + 30 },
  },
  resetCode: {
    source: "migrations/0000_init.sql reset_codes (+ 0001 index)",
    columns: { id: 26, application_id: 26, tenant_id: 26, user_id: 26, subject_key: 52, kind: 10, code_hash: 52, verification_hash: 26, credential_version: 1, attempts: 1, max_attempts: 1, expires_at: 6, created_at: 6, consumed_at: 6, superseded_at: 0 },
    indexes: { pk_id: 26, reset_codes_code_hash: 52, reset_codes_user_open: 26 + 10, reset_codes_subject_open: 52 + 10 },
  },
  resetEmailSend: {
    source: "migrations/0010_reset_email_sends.sql",
    columns: { id: 4, subject_key: 52, sent_at: 6 },
    indexes: { reset_email_sends_subject_time: 52 + 6 },
  },
  emailDelivery: {
    source: "migrations/0009_email_deliveries.sql",
    columns: { id: 26, application_id: 26, tenant_id: 26, template: 20, to_address: 30, status: 6, attempts: 1, last_error: 0, next_attempt_at: 0, provider: 10, provider_message_id: 36, created_at: 6, updated_at: 6 },
    indexes: { pk_id: 26, application_time: 26 + 6, application_status: 26 + 6 + 6 },
  },
  auditEvent: {
    source: "migrations/0005_audit_events.sql",
    columns: { id: 26, occurred_at: 6, type: 25, application_id: 26, tenant_id: 26, user_id: 26, actor_kind: 6, actor_id: 26, ip: 15, user_agent: 80, request_id: 36, detail: 80 },
    indexes: { pk_id: 26, application_time: 26 + 6 + 26, user_time: 26 + 6 + 26, time: 6 },
  },
};

/** B-tree pages filled in random key order are about 70 % full (an estimate, not a measurement). */
export const PAGE_FILL = 0.7;

/**
 * Rows one reset flow (a request-password-reset for a known email, then a reset with its link)
 * writes: a code; a reset-email send; two deliveries (the reset email and Password Updated); two
 * audit events (password_reset.requested, password_reset.succeeded: src/audit/events.ts).
 */
export const ROWS_PER_RESET_FLOW = { resetCode: 1, resetEmailSend: 1, emailDelivery: 2, auditEvent: 2 };

/** Days a row stays (see SOURCES): a code up to a day open plus 7 after expiry. */
export const RETENTION_DAYS = { resetCode: 8, resetEmailSend: 1, emailDelivery: 90, auditEvent: 90 };

/** The target mix (issue 19, item 5). */
export const SCENARIOS = {
  steady: {
    resetFlowsPerSecond: 1000,
    dailyActiveUsers: 10_000_000,
    refreshIntervalSeconds: 300,
    // Upper bound: every daily active user holds a session refreshing all day.
    activeShareOfDay: 1,
  },
  burst: { requestResetsPerSecond: 10_000, seconds: 300 },
  storage: {
    users: 100_000_000,
    // Two daily volumes: (1) the steady 1,000 reset flows/s all day long, an upper bound; (2) an
    // assumption for comparison, each user resetting 4 times a year.
    resetFlowsPerDayUpperBound: 1000 * 86_400,
    resetsPerUserPerYear: 4,
  },
};

/**
 * Of an operation's queue messages, how many are email jobs (SOURCES.emailJobs); the rest are audit
 * events (SOURCES.auditEvents). bench:geo counts sends to either queue as one figure.
 */
export const EMAIL_JOBS_PER_OPERATION = { "request-password-reset": 1, "reset-password": 1, refresh: 0 };

/**
 * The audit consumer writes a batch of up to 100 events in one D1 batch per shard, concurrently:
 * one batch is assumed to take 50 ms (a few round trips at 5 ms, generous), so invocations in
 * flight = events/s ÷ 100 × 0.05 s. An assumption, not a measurement.
 */
export const AUDIT_CONSUMER = { batchSize: 100, secondsPerBatch: 0.05 };

/**
 * Email jobs and audit events per second of a mix (each operation's queue messages split as above),
 * with the audit events the email consumer sends for the jobs it delivers.
 */
export function messagesByKind(mix, perOperation) {
  let email = 0;
  let audit = 0;
  const consumerSends = perOperation.consumerPerMessage?.queueMessages ?? 0;
  for (const [op, rate] of Object.entries(mix)) {
    const jobs = Math.min(EMAIL_JOBS_PER_OPERATION[op] ?? 0, perOperation[op].queueMessages);
    email += rate * jobs;
    audit += rate * (perOperation[op].queueMessages - jobs + jobs * consumerSends);
  }
  return { emailJobsPerSecond: email, auditEventsPerSecond: audit };
}
