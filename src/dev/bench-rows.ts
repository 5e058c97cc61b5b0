// Development only, for `npm run bench`: provisioning that would otherwise cost one PBKDF2
// derivation or one request per row, so that it stays cheap and outside the timing.
import { sql } from "drizzle-orm";
import { hashPassword } from "../crypto/password-hash";
import { randomToken } from "../crypto/random";
import type { Database } from "../db/client";
import type { Tenant } from "../directory/tenants";
import type { User } from "../directory/users";
import { POLICY_DEFAULTS } from "../policy/password-reset-policy";
import { readCredential, writeCredential } from "../user-object/credential-row";
import { openSession } from "../user-object/login";
import type { SessionGrant } from "../user-object/sessions";
import { createStorage } from "../user-object/store";
import { userObject } from "../user-object/stub";
import { UserDurableObject } from "../user-object/user-durable-object";
import type { WorkflowDeps } from "../workflows/deps";
import { createPasswordResetLink } from "../workflows/password-reset/create-password-reset-link";
import { createUser } from "../workflows/users";

/** How many users one call creates at most, and how many filler rows one call writes at most. */
export const BENCH_MAX_USERS = 5_000;
export const BENCH_MAX_FILLER_ROWS = 200_000;
export const BENCH_MAX_SESSIONS = 10_000;

const grantOf = (tenant: Tenant) => ({
  applicationId: tenant.applicationId,
  tenantId: tenant.id,
  idleTtlSeconds: POLICY_DEFAULTS.sessionIdleTtlSeconds,
  absoluteTtlSeconds: POLICY_DEFAULTS.sessionAbsoluteTtlSeconds,
});

/**
 * The user object as `npm run bench` needs it: the production class plus a seeder that writes a
 * ready-made password hash and live sessions straight into storage, so that provisioning thousands
 * of users or sessions costs no derivation or login each and stays outside the timing. Bound in
 * place of the production class only when ENVIRONMENT=development (see userObjectClass).
 */
export class BenchUserDurableObject extends UserDurableObject {
  /**
   * Gives an initialised, active user `passwordHash` and `sessions` live sessions, each with a
   * refresh token nobody holds.
   */
  async seedForBench(input: { passwordHash?: string; sessions?: number; grant: Omit<SessionGrant, "clientId"> }): Promise<void> {
    if (this.env.ENVIRONMENT !== "development") throw new Error("seedForBench exists only in development");
    await createStorage(this.store);
    this.store.storage.transactionSync(() => {
      const c = readCredential(this.store);
      if (c?.status !== "ACTIVE") throw new Error("seedForBench needs an initialised, active user");
      if (input.passwordHash !== undefined) writeCredential(this.store, { ...c, passwordHash: input.passwordHash });
      const now = Date.now();
      for (let i = 0; i < (input.sessions ?? 0); i++) openSession(this.store, c, input.grant, randomToken(), null, now);
    });
  }
}

/** The class the USERS binding gets: the bench's only in development, so production never carries the seeder. */
export function userObjectClass(environment: string | undefined): typeof UserDurableObject {
  return environment === "development" ? BenchUserDurableObject : UserDurableObject;
}

/** A user's object with the bench seeder; the routes calling it exist only in development. */
function benchObject(env: Pick<Env, "USERS">, user: User): DurableObjectStub<BenchUserDurableObject> {
  return userObject(env, user) as unknown as DurableObjectStub<BenchUserDurableObject>;
}

export interface BenchUser {
  user: User;
  /** An admin link's code, issued by the service's own workflow, when asked for. */
  passwordResetCode?: string;
}

/**
 * Users `<prefix>-<i>@bench.invalid` sharing one password, hashed once with the service's own
 * function; with `withResetCodes`, each also gets an admin reset link as the API would issue it.
 */
export async function benchUsers(
  deps: WorkflowDeps,
  tenant: Tenant,
  u: { prefix: string; count: number; password: string; withResetCodes: boolean; baseUrl: string },
): Promise<BenchUser[]> {
  const { env, config } = deps;
  const { prefix, count, password } = u;
  const passwordHash = await hashPassword(password, config.passwordPeppers);
  const created: BenchUser[] = [];
  for (let start = 0; start < count; start += 50) {
    const chunk = Array.from({ length: Math.min(50, count - start) }, (_, k) => start + k);
    created.push(
      ...(await Promise.all(
        chunk.map(async (i) => {
          const email = `${prefix}-${i}@bench.invalid`;
          const user = await createUser(deps, { applicationId: tenant.applicationId, tenantId: tenant.id, email, password: null });
          await benchObject(env, user).seedForBench({ passwordHash, grant: grantOf(tenant) });
          if (!u.withResetCodes) return { user };
          const link = await createPasswordResetLink(deps, user, u.baseUrl);
          return { user, passwordResetCode: new URL(link!.passwordResetLink).searchParams.get("passwordResetCode")! };
        }),
      )),
    );
  }
  return created;
}

/** Adds live sessions, each with a refresh token nobody holds, to one user's object. */
export async function benchSessions(env: Env, user: User, tenant: Tenant, count: number): Promise<void> {
  await benchObject(env, user).seedForBench({ sessions: count, grant: grantOf(tenant) });
}

/**
 * Directory rows with no Durable Object behind them (users nobody can log in as) and open reset
 * codes nobody holds, spread evenly over `databases` (the tenant's shards), each share written by
 * one INSERT … SELECT over a recursive count.
 */
export async function benchFiller(databases: readonly Database[], tenant: Tenant, rows: { users: number; openCodes: number }, now = Date.now()): Promise<void> {
  const share = (n: number, i: number) => Math.floor(n / databases.length) + (i < n % databases.length ? 1 : 0);
  await Promise.all(databases.map((db, i) => fillerIn(db, tenant, { users: share(rows.users, i), openCodes: share(rows.openCodes, i) }, now)));
}

async function fillerIn(db: Database, tenant: Tenant, rows: { users: number; openCodes: number }, now: number): Promise<void> {
  const tag = crypto.randomUUID().slice(0, 8);
  if (rows.users > 0) {
    await db.run(sql`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows.users})
      INSERT INTO users (id, application_id, tenant_id, email, email_key, status, created_at)
      SELECT 'filler' || ${tag} || printf('%012d', i), ${tenant.applicationId}, ${tenant.id},
             'filler-' || ${tag} || '-' || i || '@bench.invalid', 'filler-' || ${tag} || '-' || i || '@bench.invalid', 'ACTIVE', ${now}
      FROM n`);
  }
  if (rows.openCodes > 0) {
    await db.run(sql`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows.openCodes})
      INSERT INTO reset_codes (id, application_id, tenant_id, user_id, subject_key, kind, code_hash, verification_hash,
                               credential_version, attempts, max_attempts, expires_at, created_at)
      SELECT 'filler' || ${tag} || printf('%012d', i), ${tenant.applicationId}, ${tenant.id}, NULL, hex(randomblob(32)), 'EMAIL_LINK',
             hex(randomblob(32)), NULL, 0, 0, 0, ${now + 3_600_000}, ${now}
      FROM n`);
  }
}
