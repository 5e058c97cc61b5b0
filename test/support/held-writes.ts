// Whether an answer waits for a D1 write: every write is held until the Worker has answered (or,
// if the answer never comes without it, until `patienceMs` passes, which the result reports).
// The bindings are the real D1 databases; only the start of a write is delayed.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { watchedD1 } from "./d1-round-trips";

const WRITE = /^\s*(insert|update|delete|replace)\b/i;

function holding(db: D1Database, answered: Promise<void>, waited: { writes: number }): D1Database {
  const hold = async () => {
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 2_000));
    if ((await Promise.race([answered.then(() => "answered" as const), timeout])) === "timeout") waited.writes++;
  };
  return watchedD1(db, async (sql, run) => {
    if (sql.some((q) => WRITE.test(q))) await hold();
    return run();
  });
}

/** Sends one request; `writesAwaited`: how many D1 writes the answer could not come without. */
export async function answerWithWritesHeld(request: Request): Promise<{ res: Response; body: string; writesAwaited: number }> {
  let answer!: () => void;
  const answered = new Promise<void>((r) => (answer = r));
  const waited = { writes: 0 };
  const ctx = createExecutionContext();
  const held = (db: D1Database) => holding(db, answered, waited);
  const res = await worker.fetch(request, { ...env, DB: held(env.DB), DB_SHARD_0: held(env.DB_SHARD_0), DB_SHARD_1: held(env.DB_SHARD_1) }, ctx);
  answer();
  const body = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, body, writesAwaited: waited.writes };
}
