import { eq } from "drizzle-orm";
import { type BrandingSettings, type Theme, resolveTheme } from "../branding/theme";
import type { Database } from "../db/client";
import { levelSettings } from "./level-settings";
import { applicationBranding, applications, tenantBranding } from "../db/schema";

export async function applicationBrandingSettings(db: Database, applicationId: string): Promise<BrandingSettings | null> {
  return levelSettings<BrandingSettings>(await db.select().from(applicationBranding).where(eq(applicationBranding.applicationId, applicationId)).get());
}

export async function tenantBrandingSettings(db: Database, tenantId: string): Promise<BrandingSettings | null> {
  return levelSettings<BrandingSettings>(await db.select().from(tenantBranding).where(eq(tenantBranding.tenantId, tenantId)).get());
}

export async function saveApplicationBranding(db: Database, applicationId: string, patch: BrandingSettings): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.insert(applicationBranding).values({ applicationId, ...patch }).onConflictDoUpdate({ target: applicationBranding.applicationId, set: patch });
}

export async function saveTenantBranding(db: Database, tenantId: string, patch: BrandingSettings): Promise<void> {
  if (Object.keys(patch).length === 0) return;
  await db.insert(tenantBranding).values({ tenantId, ...patch }).onConflictDoUpdate({ target: tenantBranding.tenantId, set: patch });
}

async function applicationName(db: Database, applicationId: string): Promise<string> {
  const row = await db.select({ name: applications.name }).from(applications).where(eq(applications.id, applicationId)).get();
  return row?.name ?? "";
}

/** The look of an application's pages and emails, with no tenant override. */
export async function themeForApplication(db: Database, applicationId: string): Promise<Theme> {
  const [name, own] = await Promise.all([applicationName(db, applicationId), applicationBrandingSettings(db, applicationId)]);
  return resolveTheme(name, own);
}

/** The look of a tenant's pages and emails: defaults, then the application's branding, then the tenant's. */
export async function themeForTenant(db: Database, tenant: { id: string; applicationId: string }): Promise<Theme> {
  const [name, app, own] = await Promise.all([
    applicationName(db, tenant.applicationId),
    applicationBrandingSettings(db, tenant.applicationId),
    tenantBrandingSettings(db, tenant.id),
  ]);
  return resolveTheme(name, app, own);
}
