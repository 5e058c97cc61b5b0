// The user object's SQLite schema comes from drizzle-kit migrations, applied when the object starts.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import migrations from "../../src/user-object/migrations/migrations";
import { credential, passwordFailures, pendingEmails, refreshTokens, sessions } from "../../src/user-object/schema";
import { createUser, world } from "../support/fixtures";
import { login, loginOk } from "../support/sessions";

const stubOf = (userId: string) => env.USERS.get(env.USERS.idFromName(userId));

function sql<T extends Record<string, SqlStorageValue>>(userId: string, query: string): Promise<T[]> {
  return runInDurableObject(stubOf(userId), (_i, state) => state.storage.sql.exec<T>(query).toArray());
}

afterEach(() => vi.restoreAllMocks());

describe("the user object's schema", () => {
  it("is the drizzle schema, with every generated migration recorded as applied", async () => {
    const w = await world();
    const user = await createUser(w, "schema@example.com", "password one");
    const applied = await sql<{ n: number }>(user.id, "SELECT count(*) AS n FROM __drizzle_migrations");
    expect(applied[0]?.n).toBe(migrations.journal.entries.length);
    for (const table of [credential, sessions, refreshTokens, pendingEmails, passwordFailures]) {
      const { name, columns } = getTableConfig(table);
      const actual = await sql<{ name: string }>(user.id, `SELECT name FROM pragma_table_info('${name}')`);
      expect(actual.map((c) => c.name).sort()).toEqual(columns.map((c) => c.name).sort());
    }
  });

  it("is adopted by an object created before migrations existed, keeping its password and sessions", async () => {
    const w = await world();
    const user = await createUser(w, "baseline@example.com", "password one");
    const session = await loginOk(w, "baseline@example.com", "password one");
    // Rebuild the object as the hand-written schema left it: the baseline's tables and columns
    // (migration 0000, which never changes), the same rows, and no migrations table.
    await runInDurableObject(stubOf(user.id), (_i, state) => {
      const db = state.storage.sql;
      const baseline = {
        credential: "id, password_hash, credential_version, session_epoch, refresh_epoch, updated_at",
        sessions: "id, application_id, tenant_id, epoch, created_at, last_used_at, idle_ttl_ms, absolute_expires_at, revoked_at",
        refresh_tokens: "token_hash, session_id, epoch, created_at, rotated_at, revoked_at",
      };
      const rows = Object.entries(baseline).map(([table, columns]) => ({ table, columns, rows: [...db.exec(`SELECT ${columns} FROM ${table}`).raw()] }));
      for (const table of ["credential", "sessions", "refresh_tokens", "pending_emails", "password_failures", "code_generations", "__drizzle_migrations"]) db.exec(`DROP TABLE ${table}`);
      for (const statement of migrations.migrations.m0000!.split("--> statement-breakpoint")) db.exec(statement);
      for (const { table, columns, rows: values } of rows) {
        for (const row of values) db.exec(`INSERT INTO ${table} (${columns}) VALUES (${row.map(() => "?").join(", ")})`, ...row);
      }
    });
    await evictDurableObject(stubOf(user.id));

    expect((await login(w, "baseline@example.com", "password one")).body.result).toBe("SUCCESS");
    expect((await sql<{ n: number }>(user.id, "SELECT count(*) AS n FROM __drizzle_migrations"))[0]?.n).toBe(migrations.journal.entries.length);
    const rows = await sql<{ id: string }>(user.id, "SELECT id FROM sessions");
    expect(rows.map((r) => r.id)).toContain(session.sessionId);
  });

  it("fails closed when a migration fails, and logs the SQL error rather than drizzle's bare Rollback", async () => {
    const w = await world();
    const user = await createUser(w, "broken@example.com", "password one");
    // A migrations table of the wrong shape makes the migrator's first query fail.
    await sql(user.id, "DROP TABLE __drizzle_migrations");
    await sql(user.id, "CREATE TABLE __drizzle_migrations (unexpected TEXT)");
    await evictDurableObject(stubOf(user.id));
    const errors = vi.spyOn(console, "error");

    const res = await login(w, "broken@example.com", "password one");
    expect(res.status).toBe(503);
    const logged = errors.mock.calls.map((args) => String(args[0])).find((line) => line.includes("user_object_migration_failed"));
    expect(logged).toBeDefined();
    expect(JSON.parse(logged!)).toMatchObject({ event: "user_object_migration_failed", error: "Error", message: expect.stringMatching(/no such column/) });
    expect(logged).not.toContain("password one");
  });
});
