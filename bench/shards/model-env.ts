// The shard-scaling load test's view of the service's env (issue 19 item 6, `npm run bench:shards`):
// every D1 binding (the directory DB and each DB_SHARD_i, found by shape, so the number of shards
// is whatever the config declares) is one single-threaded database of bench/shards/d1-queue.mjs,
// and its read replica another.
// Durable Objects, queues and rate limiters are the real ones, undelayed.
import { dataOf, interceptD1, isMailbox, servedByReplica } from "../geo/wrap-d1";
import type { DataKind } from "../geo/tally";
import { createD1Model } from "./d1-queue.mjs";

/** Module state: local workerd runs the Worker, its objects and its consumers in one isolate. */
export const d1Model = createD1Model();
/** Statements per database and kind of data, to tell directory reads from user-scoped work. */
const kinds = new Map<string, Record<DataKind, number>>();
/** Email-queue messages the consumer has finished since the last reset. */
export const consumer = { messages: 0 };

function isD1(value: unknown): value is D1Database {
  const v = value as Partial<D1Database> | null;
  return typeof v === "object" && v !== null && typeof v.prepare === "function" && typeof v.batch === "function" && typeof v.withSession === "function";
}

function queued(primary: string, real: D1Database): D1Database {
  return interceptD1(real, async (sqls, where) => {
    // The dev mailbox stands in for the email provider: not a query on the service's databases.
    const own = sqls.filter((sql) => !isMailbox(sql));
    if (own.length === 0) return;
    // A read a replica may answer goes to the database's read replica, itself one single-threaded
    // D1 instance (one replica per database: the nearest one, as from one location).
    const name = servedByReplica(own, where) ? `${primary} replica` : primary;
    const row = kinds.get(name) ?? { d1User: 0, d1Directory: 0, d1DenyList: 0, d1Other: 0 };
    kinds.set(name, row);
    row[dataOf(own)] += own.length;
    const wait = d1Model.hold(name, own.length, Date.now());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  });
}

/** Whether this server runs the model: the var D1_MODEL = "queue" (the service time is set by route, 1 ms until then). */
export function modelled(env: Env): boolean {
  return (env as unknown as { D1_MODEL?: string }).D1_MODEL === "queue";
}

export function modelEnv(env: Env): Env {
  const out: Record<string, unknown> = { ...env };
  for (const [name, value] of Object.entries(env)) if (isD1(value)) out[name] = queued(name, value);
  return out as unknown as Env;
}

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });

/**
 * Bench routes: GET /__d1model/stats (per database: statements by kind of data, busy time,
 * utilisation, queue wait, backlog; messages consumed), POST /__d1model/reset (answers the stats
 * it clears), POST /__d1model/service?ms=N (the service time from now on).
 */
export function modelRoute(request: Request, pathname: string): Response {
  const now = Date.now();
  const stats = () => ({ ...d1Model.stats(now), kinds: Object.fromEntries(kinds), consumedMessages: consumer.messages });
  if (pathname === "/__d1model/stats" && request.method === "GET") return json(stats());
  if (pathname === "/__d1model/reset" && request.method === "POST") {
    const out = stats();
    d1Model.reset(now);
    kinds.clear();
    consumer.messages = 0;
    return json(out);
  }
  if (pathname === "/__d1model/service" && request.method === "POST") {
    const ms = Number(new URL(request.url).searchParams.get("ms"));
    if (!Number.isFinite(ms) || ms < 0 || ms > 1000) return new Response("ms: 0 to 1000", { status: 400 });
    d1Model.serviceMs = ms;
    return json({ serviceMs: ms });
  }
  return new Response("not found", { status: 404 });
}
