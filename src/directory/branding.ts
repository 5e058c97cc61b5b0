import { eq } from "drizzle-orm";
import { type BrandingSettings, type Theme, resolveTheme } from "../branding/theme";
import type { Database } from "../db/client";
import { IsolateCache } from "./isolate-cache";
import { levelSettings } from "./level-settings";
import { applicationBranding, applications, tenantBranding } from "../db/schema";

export async function applicationBrandingSettings(db: Database, applicationId: string): Promise<BrandingSettings | null> {
  return levelSettings<BrandingSettings>(await db.select().from(applicationBranding).where(eq(applicationBranding.applicationId, applicationId)).get());
}

export async function tenantBrandingSettings(db: Database, tenantId: string): Promise<BrandingSettings | null> {
  return levelSettings<BrandingSettings>(await db.select().from(tenantBranding).where(eq(tenantBranding.tenantId, tenantId)).get());
}

/** Resolved themes by application or tenant, for a few seconds (see isolate-cache.ts); a save clears them all. */
const themes = new IsolateCache<Readonly<Theme>>();

export async function saveApplicationBranding(db: Database, applicationId: string, patch: BrandingSettings): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.insert(applicationBranding).values({ applicationId, ...patch }).onConflictDoUpdate({ target: applicationBranding.applicationId, set: patch });
  themes.clear();
}

export async function saveTenantBranding(db: Database, tenantId: string, patch: BrandingSettings): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.insert(tenantBranding).values({ tenantId, ...patch }).onConflictDoUpdate({ target: tenantBranding.tenantId, set: patch });
  themes.clear();
}

async function applicationName(db: Database, applicationId: string): Promise<string> {
  const row = await db.select({ name: applications.name }).from(applications).where(eq(applications.id, applicationId)).get();
  return row?.name ?? "";
}

/** The look of an application's pages and emails, with no tenant override. */
export function themeForApplication(db: Database, applicationId: string): Promise<Readonly<Theme>> {
  return themes.get(applicationId, async () => {
    const [name, own] = await Promise.all([applicationName(db, applicationId), applicationBrandingSettings(db, applicationId)]);
    return Object.freeze(resolveTheme(name, own));
  });
}

/**
 * The look of a tenant's pages and emails: defaults, then the application's branding, then the
 * tenant's. It may lag a PATCH made in another isolate by up to DIRECTORY_CACHE_TTL_MS.
 */
export function themeForTenant(db: Database, tenant: { id: string; applicationId: string }): Promise<Readonly<Theme>> {
  return themes.get(`${tenant.applicationId}/${tenant.id}`, async () => {
    const [name, app, own] = await Promise.all([
      applicationName(db, tenant.applicationId),
      applicationBrandingSettings(db, tenant.applicationId),
      tenantBrandingSettings(db, tenant.id),
    ]);
    return Object.freeze(resolveTheme(name, app, own));
  });
}
