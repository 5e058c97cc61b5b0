// Records, in order, every call one request makes to the bindings that cost a round trip: D1
// (DB, and the shards DB_SHARD_0 and DB_SHARD_1, recorded as "DB": one D1 call is like another to an observer), the user and address Durable Objects (USERS, ADDRESSES) and the queues. Each binding is
// the real one; the recorder only watches what passes through it. A D1 statement run is one call,
// a db.batch one however many statements it carries (as test/support/d1-round-trips.ts counts).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { queueNamesOf } from "../../src/shards/queue-set";
import { countingD1 } from "./d1-round-trips";

export type Binding = "DB" | "USERS" | "ADDRESSES" | "EMAIL_QUEUE" | "AUDIT_QUEUE";

export interface BindingCall {
  binding: Binding;
  /** D1: read or write; an object: call; a queue: send. */
  kind: "read" | "write" | "call" | "send";
  /** The statements or the method, to explain a failure; not compared. */
  detail: string;
  answered: boolean;
}

const WRITE = /^\s*(insert|update|delete|replace|create|drop|alter)\b/i;

function objectNamespace<T extends Rpc.DurableObjectBranded | undefined>(real: DurableObjectNamespace<T>, record: (kind: "call", detail: string) => void): DurableObjectNamespace<T> {
  const stub = (s: DurableObjectStub<T>) =>
    new Proxy(s, {
      get(target, key) {
        // `then` must stay undefined, or the stub would look like a promise.
        if (key === "id" || key === "name" || key === "then" || typeof key === "symbol") return Reflect.get(target, key);
        return (...args: unknown[]) => {
          record("call", String(key));
          return (Reflect.get(target, key) as (...a: unknown[]) => unknown)(...args);
        };
      },
    });
  return new Proxy(real, {
    get(target, key) {
      if (key === "get" || key === "getByName") {
        return (...args: unknown[]) => stub((Reflect.get(target, key) as (...a: unknown[]) => DurableObjectStub<T>).apply(target, args));
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function queue<T>(real: Queue<T>, record: (kind: "send", detail: string) => void): Queue<T> {
  return {
    send: (body: T, options?: QueueSendOptions) => (record("send", "send"), real.send(body, options)),
    sendBatch: (messages: Iterable<MessageSendRequest<T>>, options?: QueueSendBatchOptions) => (record("send", "sendBatch"), real.sendBatch(messages, options)),
  } as unknown as Queue<T>;
}

/** The bindings of `base`, each recording into `log`; `state.answered` marks calls made after the answer. */
export function recordingBindings(base: Env, log: BindingCall[], state: { answered: boolean }): Pick<Env, Binding | "DB_SHARD_0" | "DB_SHARD_1"> {
  const push = (binding: Binding) => (kind: BindingCall["kind"], detail: string) => log.push({ binding, kind, detail, answered: state.answered });
  const d1 = (db: D1Database) => countingD1(db, (sql) => push("DB")(sql.some((q) => WRITE.test(q)) ? "write" : "read", sql.join("; ")));
  return {
    DB: d1(base.DB),
    DB_SHARD_0: d1(base.DB_SHARD_0),
    DB_SHARD_1: d1(base.DB_SHARD_1),
    USERS: objectNamespace(base.USERS, push("USERS")),
    ADDRESSES: objectNamespace(base.ADDRESSES, push("ADDRESSES")),
    EMAIL_QUEUE: queue(base.EMAIL_QUEUE, push("EMAIL_QUEUE")),
    // Every other email (audit) queue records as EMAIL_QUEUE (AUDIT_QUEUE) too: which one a message's shard chooses is not the shape compared.
    ...Object.fromEntries(queueNamesOf(base, "EMAIL_QUEUES", "EMAIL_QUEUE").map((name) => [name, queue(Reflect.get(base, name) as Queue, push("EMAIL_QUEUE"))])),
    AUDIT_QUEUE: queue(base.AUDIT_QUEUE, push("AUDIT_QUEUE")),
    ...Object.fromEntries(queueNamesOf(base, "AUDIT_QUEUES", "AUDIT_QUEUE").map((name) => [name, queue(Reflect.get(base, name) as Queue, push("AUDIT_QUEUE"))])),
  };
}

/** Sends one request through the Worker with recording bindings; answers its calls before and after the answer. */
export async function bindingCallsOf(request: Request) {
  const log: BindingCall[] = [];
  const state = { answered: false };
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, { ...env, ...recordingBindings(env, log, state) }, ctx);
  state.answered = true;
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, body, before: log.filter((c) => !c.answered), after: log.filter((c) => c.answered) };
}

/** What is compared: the binding and the kind of each call, in order. */
export const shape = (calls: BindingCall[]) => calls.map((c) => `${c.binding} ${c.kind}`);
