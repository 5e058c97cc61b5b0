// A D1 binding whose read replica lags: sessions opened at the primary ("first-primary") use the
// real database; any other session reads from a second, real D1 database (REPLICA_DB, vitest.config.ts)
// that holds a copy of the first taken when the test says (`snapshot`). Writes in such a session
// go to the primary, as D1 routes them. Nothing of the service is replaced: the Worker runs as in
// production, only its DB and shard bindings are these ones (each shard with its own copy).
import { env } from "cloudflare:workers";
import { migrate } from "./migrations";

const READ = /^\s*(select|with)\b/i;

/** The databases that lag: the directory database and each shard (users and codes are on shards), each with its own copy. */
const LAGGING = [
  ["DB", "REPLICA_DB"],
  ["DB_SHARD_0", "REPLICA_DB_SHARD_0"],
  ["DB_SHARD_1", "REPLICA_DB_SHARD_1"],
] as const;

export interface LaggingReplica {
  /** The bindings to hand the Worker. */
  bindings: Pick<Env, "DB" | "DB_SHARD_0" | "DB_SHARD_1">;
  /** Copies the primary's rows to the replica now: what it shows until the next snapshot. */
  snapshot(): Promise<void>;
  /** Every statement the Worker prepared at the primary, in order: its writes and its primary reads. */
  atPrimary: string[];
}

export async function laggingReplica(): Promise<LaggingReplica> {
  const atPrimary: string[] = [];
  const bindings = {} as LaggingReplica["bindings"];
  for (const [name, copy] of LAGGING) {
    await migrate(env[copy]);
    bindings[name] = lagging(env[name], env[copy], atPrimary);
  }
  return { bindings, snapshot: async () => void (await Promise.all(LAGGING.map(([name, copy]) => copyRows(env[name], env[copy])))), atPrimary };
}

function lagging(real: D1Database, stale: D1Database, atPrimary: string[]): D1Database {
  const session = (primarySession: D1DatabaseSession, staleSession: D1DatabaseSession) => ({
    prepare: (query: string) => (READ.test(query) ? staleSession.prepare(query) : primarySession.prepare(query)),
    // The service batches only at the primary; a replica batch would need routing this copy lacks.
    batch: () => Promise.reject(new Error("lagging-replica: no batches in a replica session")),
    getBookmark: () => null,
  });
  return new Proxy(real, {
    get(t, key) {
      if (key === "withSession") {
        return (constraint?: string) => {
          const primary = watch(t.withSession("first-primary"), atPrimary);
          return constraint === "first-primary" ? primary : session(primary, stale.withSession("first-unconstrained"));
        };
      }
      const value = Reflect.get(t, key);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}

/** Records the statements a session prepares. */
function watch(s: D1DatabaseSession, log: string[]): D1DatabaseSession {
  return new Proxy(s, {
    get(t, key) {
      if (key === "prepare") return (query: string) => (log.push(query), t.prepare(query));
      const value = Reflect.get(t, key);
      return typeof value === "function" ? value.bind(t) : value;
    },
  });
}

/** Replaces every row of `to` with the rows of `from`, table by table, in one transaction. */
async function copyRows(from: D1Database, to: D1Database): Promise<void> {
  const { results: tables } = await from
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'")
    .all<{ name: string }>();
  const statements: D1PreparedStatement[] = [to.prepare("PRAGMA defer_foreign_keys = on")];
  for (const { name } of tables) {
    statements.push(to.prepare(`DELETE FROM "${name}"`));
    const { results: rows } = await from.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>();
    for (const row of rows) {
      const columns = Object.keys(row);
      statements.push(to.prepare(`INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).bind(...columns.map((c) => row[c])));
    }
  }
  await to.batch(statements);
}
