// Counts the Worker's D1 round trips for one request, before and after its answer: each executed
// statement is one, and a db.batch is one however many statements it carries. The binding is the
// real D1; the recorder only watches what passes through it.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

export interface RoundTrip {
  /** The statements of this round trip (one, or a batch's). */
  sql: string[];
  answered: boolean;
  /** The binding it went to: DB, DB_SHARD_0 or DB_SHARD_1. */
  database: string;
}

/**
 * D1 whose every round trip (a statement run, or a batch) goes through `around`, given its SQL and
 * the call to make. Statements are wrapped to see them run; a batch is handed the real
 * statements, as workerd accepts only its own.
 */
export function watchedD1(db: D1Database, around: (sql: string[], run: () => Promise<unknown>) => Promise<unknown>): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();
  const statement = (s: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(s, {
      get(t, key) {
        if (key === "bind") return (...values: unknown[]) => statement(t.bind(...values), sql);
        if (key === "all" || key === "run" || key === "raw" || key === "first") {
          return (...a: unknown[]) => around([sql], async () => (t[key] as (...a: unknown[]) => unknown).apply(t, a));
        }
        const value = Reflect.get(t, key);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
    real.set(proxy, s);
    sqlOf.set(proxy, sql);
    return proxy;
  };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, key) {
        const d = t as unknown as D1Database;
        if (key === "prepare") return (query: string) => statement(d.prepare(query), query);
        if (key === "batch") {
          return (list: D1PreparedStatement[]) => around(list.map((s) => sqlOf.get(s) ?? "?"), () => d.batch(list.map((s) => real.get(s) ?? s)));
        }
        if (key === "withSession") return (...a: unknown[]) => wrap(d.withSession(...(a as [])) as unknown as object);
        const value = Reflect.get(t, key);
        return typeof value === "function" ? value.bind(t) : value;
      },
    });
  return wrap(db);
}

/** D1 that reports each round trip to `record` as it starts. */
export function countingD1(db: D1Database, record: (sql: string[]) => void): D1Database {
  return watchedD1(db, (sql, run) => (record(sql), run()));
}

/** Sends one request through the Worker with a recording D1; answers its round trips before and after the answer. */
export async function roundTripsOf(request: Request, extra: Partial<Env> = {}) {
  const log: RoundTrip[] = [];
  const state = { answered: false };
  const ctx = createExecutionContext();
  // The directory database and every shard (users and codes are on shards).
  const counted = (database: "DB" | "DB_SHARD_0" | "DB_SHARD_1") => countingD1(env[database], (sql) => log.push({ sql, answered: state.answered, database }));
  const res = await worker.fetch(request, { ...env, ...extra, DB: counted("DB"), DB_SHARD_0: counted("DB_SHARD_0"), DB_SHARD_1: counted("DB_SHARD_1") }, ctx);
  state.answered = true;
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, body, before: log.filter((t) => !t.answered), after: log.filter((t) => t.answered) };
}
