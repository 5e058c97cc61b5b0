import { eq } from "drizzle-orm";
import type { Database, Statement } from "../db/client";
import { IsolateCache } from "./isolate-cache";
import { levelSettings } from "./level-settings";
import { applicationPolicies, tenantPolicies, tenants } from "../db/schema";
import type { PasswordResetPolicy, PolicySettings } from "../policy/password-reset-policy";
import { effectivePolicy } from "../policy/password-reset-policy";

export async function applicationSettings(db: Database, applicationId: string): Promise<PolicySettings | null> {
  return levelSettings<PolicySettings>(await db.select().from(applicationPolicies).where(eq(applicationPolicies.applicationId, applicationId)).get());
}

export async function tenantSettings(db: Database, tenantId: string): Promise<PolicySettings | null> {
  return levelSettings<PolicySettings>(await db.select().from(tenantPolicies).where(eq(tenantPolicies.tenantId, tenantId)).get());
}

/** Effective policies by tenant, for a few seconds (see isolate-cache.ts); a save clears them all. */
const effectivePolicies = new IsolateCache<Readonly<PasswordResetPolicy>>();

/**
 * The policy in force for a tenant: defaults, then application values, then tenant values. It may
 * lag a PATCH made in another isolate by up to DIRECTORY_CACHE_TTL_MS.
 */
export function policyForTenant(db: Database, tenant: { id: string; applicationId: string }): Promise<Readonly<PasswordResetPolicy>> {
  return effectivePolicies.get(`${tenant.applicationId}/${tenant.id}`, async () => {
    const [app, own] = await Promise.all([applicationSettings(db, tenant.applicationId), tenantSettings(db, tenant.id)]);
    return Object.freeze(effectivePolicy(app, own));
  });
}

/** Every tenant-level override in an application, to check an application change against. */
export async function tenantSettingsOfApplication(db: Database, applicationId: string): Promise<PolicySettings[]> {
  const rows = await db
    .select({ policy: tenantPolicies })
    .from(tenantPolicies)
    .innerJoin(tenants, eq(tenants.id, tenantPolicies.tenantId))
    .where(eq(tenants.applicationId, applicationId));
  return rows.map((r) => levelSettings<PolicySettings>(r.policy)!);
}

/** `also`: statements that commit with the change, or not at all. */
export async function saveApplicationSettings(db: Database, applicationId: string, patch: PolicySettings, also: Statement[] = []): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.batch([
    db.insert(applicationPolicies).values({ applicationId, ...patch }).onConflictDoUpdate({ target: applicationPolicies.applicationId, set: patch }),
    ...also,
  ]);
  effectivePolicies.clear();
}

export async function saveTenantSettings(db: Database, tenantId: string, patch: PolicySettings, also: Statement[] = []): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.batch([db.insert(tenantPolicies).values({ tenantId, ...patch }).onConflictDoUpdate({ target: tenantPolicies.tenantId, set: patch }), ...also]);
  effectivePolicies.clear();
}
