// Several producer queues for one kind of work, so that a burst stays under each queue's limit
// (5,000 messages a second). The list is a var naming the bindings (EMAIL_QUEUES, AUDIT_QUEUES);
// unset or empty: the one binding of before (EMAIL_QUEUE, AUDIT_QUEUE). A message goes to queue
// (its shard mod the number of queues): every message of one shard, so every job of one address,
// goes through one queue in the order it was sent (docs/shards.md, "Queues").
import { Misconfigured } from "../config/misconfigured";

type ListVar = "EMAIL_QUEUES" | "AUDIT_QUEUES";
type Single = "EMAIL_QUEUE" | "AUDIT_QUEUE";
export type QueueSetEnv = Partial<Record<ListVar, string>> & Partial<Record<Single, Queue>>;

const MAX_QUEUES = 100;
const parsed = new Map<string, readonly string[]>();

/** The binding names of the set, in order (a queue's number is its index); parsed once per isolate. */
export function queueNamesOf(env: QueueSetEnv, list: ListVar, single: Single): readonly string[] {
  const raw = (env[list] ?? "").trim();
  if (raw === "") return [single];
  let names = parsed.get(`${list}\n${raw}`);
  if (!names) {
    names = parseQueueNames(raw, list, single);
    parsed.set(`${list}\n${raw}`, names);
  }
  return names;
}

export function parseQueueNames(raw: string, list: ListVar, single: Single): readonly string[] {
  const bad = (problem: string) => new Misconfigured(list, problem);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad("is not JSON");
  }
  // Bindings of this kind only: a typo must not send email jobs to the audit queue, or the reverse.
  const name = new RegExp(`^${single}(_[0-9]{1,3})?$`);
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_QUEUES) throw bad(`must list 1 to ${MAX_QUEUES} queue bindings`);
  if (!value.every((v): v is string => typeof v === "string" && name.test(v))) throw bad(`must list names like ${single} or ${single}_1`);
  if (new Set(value).size !== value.length) throw bad("lists a binding twice");
  return value;
}

/** The queue of `shard` (null: a message that carries no shard goes to the first queue). */
export function queueForShard(env: QueueSetEnv, list: ListVar, single: Single, shard: number | null): Queue {
  const names = queueNamesOf(env, list, single);
  const name = names[(shard ?? 0) % names.length]!;
  const binding: unknown = Reflect.get(env, name);
  if (typeof binding !== "object" || binding === null || typeof (binding as Partial<Queue>).send !== "function") {
    throw new Misconfigured(list, `names ${name}, which is not a queue binding of this Worker`);
  }
  return binding as Queue;
}
