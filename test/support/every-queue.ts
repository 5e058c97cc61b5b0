// A test that stands a fake in for EMAIL_QUEUE (or AUDIT_QUEUE) means "the email queue": with
// several queues (EMAIL_QUEUES, AUDIT_QUEUES), the fake stands in for each of them, so what it
// records or refuses is every message the request sends, whichever queue the message's shard
// chooses. The choice itself still runs. A queue the test names itself is left as it is.
import { env } from "cloudflare:workers";
import { queueNamesOf } from "../../src/shards/queue-set";

export function withEveryQueue(overrides: Partial<Env>): Partial<Env> {
  const merged = { ...env, ...overrides };
  const stands = [
    ...(overrides.EMAIL_QUEUE ? queueNamesOf(merged, "EMAIL_QUEUES", "EMAIL_QUEUE").map((name) => [name, overrides.EMAIL_QUEUE] as const) : []),
    ...(overrides.AUDIT_QUEUE ? queueNamesOf(merged, "AUDIT_QUEUES", "AUDIT_QUEUE").map((name) => [name, overrides.AUDIT_QUEUE] as const) : []),
  ];
  return { ...Object.fromEntries(stands), ...overrides };
}
