// A test that stands a fake in for EMAIL_QUEUE means "the email queue": with several queues
// (EMAIL_QUEUES), the fake stands in for each of them, so what it records or refuses is every job
// the request sends, whichever queue the job's shard chooses. The choice itself still runs.
import { env } from "cloudflare:workers";
import { queueNamesOf } from "../../src/shards/queue-set";

export function withEveryEmailQueue(overrides: Partial<Env>): Partial<Env> {
  const stand = overrides.EMAIL_QUEUE;
  if (!stand) return overrides;
  const names = queueNamesOf({ ...env, ...overrides }, "EMAIL_QUEUES", "EMAIL_QUEUE");
  return { ...Object.fromEntries(names.map((name) => [name, stand])), ...overrides };
}
