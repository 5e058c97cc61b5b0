import { themeForTenant } from "../directory/branding";
import type { Theme } from "../branding/theme";
import { type Copy, type Language, copyFor } from "../copy/catalog";
import type { Database } from "../db/client";

/** What an email looks like and which language it speaks: the tenant's branding and its default language. */
export interface EmailLook {
  theme: Theme;
  language: Language;
  copy: Copy;
}

export async function emailLookForTenant(db: Database, tenant: { id: string; applicationId: string }, language?: Language): Promise<EmailLook> {
  const theme = await themeForTenant(db, tenant);
  const chosen = language ?? theme.defaultLanguage;
  return { theme, language: chosen, copy: copyFor(chosen) };
}
