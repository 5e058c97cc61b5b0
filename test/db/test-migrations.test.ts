// The test setup (test/apply-migrations.ts) migrates each database in one batch
// (test/support/migrations.ts); the schema and the d1_migrations rows must be what the plugin's
// applyD1Migrations, one batch per migration, makes of the same files.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { migrate } from "../support/migrations";

const schema = async (db: D1Database) =>
  (await db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY type, name").all()).results;
const recorded = async (db: D1Database) => (await db.prepare("SELECT id, name FROM d1_migrations ORDER BY id").all()).results;

describe("the test setup's migrations", () => {
  it("give DB and each shard the schema and d1_migrations rows the plugin's applyD1Migrations gives", async () => {
    await applyD1Migrations(env.REPLICA_DB, env.TEST_MIGRATIONS);
    const expected = await schema(env.REPLICA_DB);
    expect(expected.length).toBeGreaterThan(10);
    for (const db of [env.DB, env.DB_SHARD_0, env.DB_SHARD_1]) {
      expect(await schema(db)).toEqual(expected);
      expect(await recorded(db)).toEqual(await recorded(env.REPLICA_DB));
    }
  });

  it("apply nothing twice: a second run leaves an up-to-date database as it was", async () => {
    const before = await recorded(env.DB);
    await migrate(env.DB);
    expect(await recorded(env.DB)).toEqual(before);
    expect(before.map((row) => row.name)).toEqual(env.TEST_MIGRATIONS.map((m) => m.name));
  });
});
