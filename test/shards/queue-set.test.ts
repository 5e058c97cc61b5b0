// The choice of queue among several (src/shards/queue-set.ts): shard mod the number of queues,
// the one binding of before when no list is set, and a malformed list refused as misconfigured.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Misconfigured } from "../../src/config/misconfigured";
import { parseQueueNames, queueForShard, queueNamesOf } from "../../src/shards/queue-set";

const TWO = '["EMAIL_QUEUE","EMAIL_QUEUE_1"]';

describe("the queue of a shard", () => {
  it("is EMAIL_QUEUE alone when EMAIL_QUEUES is unset or empty, whatever the shard", () => {
    for (const list of [undefined, "", "  "]) {
      const e = { EMAIL_QUEUE: env.EMAIL_QUEUE, EMAIL_QUEUE_1: env.EMAIL_QUEUE_1, EMAIL_QUEUES: list };
      expect(queueNamesOf(e, "EMAIL_QUEUES", "EMAIL_QUEUE")).toEqual(["EMAIL_QUEUE"]);
      for (const shard of [null, 0, 1, 7]) expect(queueForShard(e, "EMAIL_QUEUES", "EMAIL_QUEUE", shard)).toBe(env.EMAIL_QUEUE);
    }
  });

  it("is the shard mod the number of queues; a message without a shard takes the first", () => {
    const e = { EMAIL_QUEUE: env.EMAIL_QUEUE, EMAIL_QUEUE_1: env.EMAIL_QUEUE_1, EMAIL_QUEUES: TWO };
    expect(queueForShard(e, "EMAIL_QUEUES", "EMAIL_QUEUE", null)).toBe(env.EMAIL_QUEUE);
    for (const [shard, queue] of [[0, env.EMAIL_QUEUE], [1, env.EMAIL_QUEUE_1], [2, env.EMAIL_QUEUE], [37, env.EMAIL_QUEUE_1]] as const) {
      expect(queueForShard(e, "EMAIL_QUEUES", "EMAIL_QUEUE", shard)).toBe(queue);
    }
  });

  it("refuses a list that is not JSON, empty, over 100 queues, a binding twice, or another kind's names, as misconfigured", () => {
    const list = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => (i === 0 ? "EMAIL_QUEUE" : `EMAIL_QUEUE_${i}`)));
    expect(parseQueueNames(list(100), "EMAIL_QUEUES", "EMAIL_QUEUE")).toHaveLength(100);
    for (const raw of ["EMAIL_QUEUE", "[]", list(101), '["EMAIL_QUEUE","EMAIL_QUEUE"]', '["AUDIT_QUEUE"]', '["DB"]', '["EMAIL_QUEUE_X"]', '{"EMAIL_QUEUE":1}']) {
      expect(() => parseQueueNames(raw, "EMAIL_QUEUES", "EMAIL_QUEUE"), raw).toThrow(Misconfigured);
    }
  });

  it("refuses a listed name that is not a queue binding of the Worker, as misconfigured", () => {
    const e = { EMAIL_QUEUE: env.EMAIL_QUEUE, EMAIL_QUEUES: '["EMAIL_QUEUE","EMAIL_QUEUE_2"]' };
    expect(queueForShard(e, "EMAIL_QUEUES", "EMAIL_QUEUE", 0)).toBe(env.EMAIL_QUEUE);
    expect(() => queueForShard(e, "EMAIL_QUEUES", "EMAIL_QUEUE", 1)).toThrow(Misconfigured);
  });
});
