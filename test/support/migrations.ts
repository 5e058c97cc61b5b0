// The D1 migrations for a test's databases, applied as the plugin's applyD1Migrations applies
// them (the same statements, the same d1_migrations bookkeeping) but in one batch per database
// instead of one per migration. Every test file starts on empty databases and migrates three of
// them (DB and two shards) in its setup: 57 batches took about 1.2 s of each file's setup here,
// one batch per database about 0.2 s. A failing statement still rolls the whole batch back.
import { env } from "cloudflare:workers";

// The plugin's own bookkeeping table, character for character (test/db/test-migrations.test.ts).
const TABLE = `"d1_migrations"`;
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLE} (
\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,
\t\tname       TEXT UNIQUE,
\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
\t);`;

/** Applies every migration `db` has not recorded yet, in order, in one transaction. */
export async function migrate(db: D1Database): Promise<void> {
  const [, applied] = await db.batch<{ name: string }>([
    db.prepare(CREATE_TABLE),
    db.prepare(`SELECT name FROM ${TABLE}`),
  ]);
  const done = new Set(applied!.results.map((row) => row.name));
  const record = db.prepare(`INSERT INTO ${TABLE} (name) VALUES (?)`);
  const statements = env.TEST_MIGRATIONS.filter((m) => !done.has(m.name)).flatMap((m) => [...m.queries.map((q) => db.prepare(q)), record.bind(m.name)]);
  if (statements.length) await db.batch(statements);
}
