// The capacity model of `npm run capacity` (docs/capacity.md): pure arithmetic over the inputs in
// inputs.mjs, so that a test can check it on a case worked by hand.

/** Bytes one row takes with its index entries, under an estimate of SQLite's record format. */
export function rowBytes(spec, { fill }) {
  const columns = Object.values(spec.columns);
  // Record: a header byte per column (+1), the values; then the rowid (~4 bytes) and the cell's
  // pointer and size (~4 bytes).
  const record = columns.reduce((a, b) => a + b, 0) + columns.length + 1 + 4 + 4;
  // Index entry: its key columns, the rowid, a small header (~3) and the cell overhead (~4).
  const indexes = Object.values(spec.indexes).reduce((sum, keyBytes) => sum + keyBytes + 4 + 3 + 4, 0);
  // B-tree pages filled by random keys are only partly full: divide by the fill ratio.
  return Math.ceil((record + indexes) / fill);
}

/**
 * D1 queries (all, and those on user-scoped rows), queue messages and Durable Object calls per
 * second of a mix of operations.
 */
export function load(mix, perOperation) {
  const out = { d1QueriesPerSecond: 0, d1UserQueriesPerSecond: 0, queueMessagesPerSecond: 0, durableObjectCallsPerSecond: 0 };
  const consumer = perOperation.consumerPerMessage;
  for (const [op, rate] of Object.entries(mix)) {
    const cost = perOperation[op];
    if (!cost) throw new Error(`capacity: no per-operation figures for ${op}`);
    // The email consumer's calls for the jobs an operation queues count against the same databases;
    // the audit events it sends itself (a request's event rides on its job) are queue messages too.
    // Without `emailJobs`, every message is taken for an email job (the figures before the split).
    const jobs = cost.emailJobs ?? cost.queueMessages;
    out.d1QueriesPerSecond += rate * (cost.d1Queries + jobs * consumer.d1Queries);
    out.d1UserQueriesPerSecond += rate * (cost.d1UserQueries + jobs * consumer.d1UserQueries);
    out.queueMessagesPerSecond += rate * (cost.queueMessages + jobs * (consumer.queueMessages ?? 0));
    out.durableObjectCallsPerSecond += rate * (cost.durableObjectCalls + jobs * consumer.durableObjectCalls);
  }
  return out;
}

/**
 * Databases, queues and consumer invocations for a load, each planned at `headroom` of its limit.
 * Shards carry the user-scoped queries; the rest (directory and deny-list) go to the one directory
 * database, whose load is given as a multiple of what one database may carry.
 * Consumer invocations in flight follow Little's law: messages a second × seconds per message (a
 * batch's messages are handled one after another today, so batch size does not shorten that).
 */
export function plan(loadPerSecond, { limits, headroom, consumerSecondsPerMessage }) {
  const d1Limit = 1000 / limits.d1QueryMs;
  const planned = d1Limit * headroom;
  const shards = Math.max(1, Math.ceil(loadPerSecond.d1UserQueriesPerSecond / planned));
  const directoryQueriesPerSecond = loadPerSecond.d1QueriesPerSecond - loadPerSecond.d1UserQueriesPerSecond;
  const consumerConcurrency = Math.ceil(loadPerSecond.queueMessagesPerSecond * consumerSecondsPerMessage);
  const queuesForRate = Math.ceil(loadPerSecond.queueMessagesPerSecond / (limits.queueMessagesPerSecond * headroom));
  const queuesForConsumers = Math.ceil(consumerConcurrency / (limits.queueConsumerConcurrency * headroom));
  const queues = Math.max(1, queuesForRate, queuesForConsumers);
  return {
    ...loadPerSecond,
    d1QueriesPerShardLimit: d1Limit,
    shards,
    directoryQueriesPerSecond,
    directoryDatabaseMultiple: directoryQueriesPerSecond / planned,
    queuesForRate,
    queuesForConsumers,
    queues,
    consumerConcurrency,
    consumerConcurrencyPerQueue: Math.ceil(consumerConcurrency / queues),
  };
}

/**
 * Rows kept in the sharded databases: users forever; codes, reset-email sends, deliveries and audit
 * events for their retention, at a daily volume of reset flows (one request + one reset each).
 */
export function storage({ users, resetFlowsPerDay }, { bytes, retentionDays, rowsPerResetFlow, limits, headroom }) {
  const part = (name, count) => ({ name, rows: count, bytes: count * bytes[name] });
  const parts = [
    part("user", users),
    part("resetCode", resetFlowsPerDay * rowsPerResetFlow.resetCode * retentionDays.resetCode),
    part("resetEmailSend", resetFlowsPerDay * rowsPerResetFlow.resetEmailSend * retentionDays.resetEmailSend),
    part("emailDelivery", resetFlowsPerDay * rowsPerResetFlow.emailDelivery * retentionDays.emailDelivery),
    part("auditEvent", resetFlowsPerDay * rowsPerResetFlow.auditEvent * retentionDays.auditEvent),
  ];
  const total = parts.reduce((sum, p) => sum + p.bytes, 0);
  const shards = Math.max(1, Math.ceil(total / (limits.d1DatabaseBytes * headroom)));
  return { parts, totalBytes: total, shards, bytesPerShard: total / shards };
}

/**
 * Queues for one kind of message when each message goes to queue (its shard mod k), as the email
 * jobs and audit events do (EMAIL_QUEUES, AUDIT_QUEUES; docs/shards.md "Queues"). With S shards on
 * k queues the busiest queue carries ⌈S/k⌉ of the S shards, so k is the smallest count whose
 * busiest queue stays under the message limit and the consumer limit, each at `headroom`. No k
 * works when one shard's own messages exceed a queue (k is at most S): then `queues` is null and
 * more shards are needed.
 */
export function queuesByShard({ messagesPerSecond, consumersInFlight, shards }, { limits, headroom }) {
  const rateLimit = limits.queueMessagesPerSecond * headroom;
  const consumerLimit = limits.queueConsumerConcurrency * headroom;
  const busiestShare = (k) => Math.ceil(shards / k) / shards;
  const fits = (k) => messagesPerSecond * busiestShare(k) <= rateLimit && consumersInFlight * busiestShare(k) <= consumerLimit;
  let queues = null;
  for (let k = 1; k <= shards; k++) {
    if (fits(k)) {
      queues = k;
      break;
    }
  }
  const share = queues === null ? 1 / shards : busiestShare(queues);
  return {
    queues,
    busiestShare: share,
    busiestMessagesPerSecond: messagesPerSecond * share,
    busiestConsumersInFlight: Math.ceil(consumersInFlight * share),
  };
}
