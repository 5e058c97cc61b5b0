// Everything a page needs to render: the catalog of its language, the theme of the application
// (or tenant) it serves, and the CSP nonce of its one inline stylesheet.
import type { Context } from "hono";
import type { Theme } from "../../branding/theme";
import { resolveTheme } from "../../branding/theme";
import { type Copy, type Language, copyFor } from "../../copy/catalog";
import { themeForTenant } from "../../directory/branding";
import type { AppEnv } from "../app-env";
import { explicitLanguage, pageLanguage } from "./page-language";

export interface PageView {
  copy: Copy;
  language: Language;
  /** Set when the request chose it with `?lang=`: links and forms carry it on. */
  explicitLanguage: Language | undefined;
  theme: Theme;
  nonce: string;
  /** The request's query without `lang`, for the language switch. */
  query: URLSearchParams;
  /** The tenant the page serves, when known: "ask for a new email" leads to its form. */
  tenantId: string | null;
}

function view(c: Context<AppEnv>, theme: Theme, tenantId: string | null): PageView {
  const language = pageLanguage(c, theme.defaultLanguage);
  const query = new URLSearchParams(new URL(c.req.url).search);
  query.delete("lang");
  return {
    copy: copyFor(language),
    language,
    explicitLanguage: explicitLanguage(c),
    theme,
    nonce: c.get("secureHeadersNonce") ?? "",
    query,
    tenantId,
  };
}

/** A page for a tenant: its branding, its application's default language. */
export async function tenantView(c: Context<AppEnv>, tenant: { id: string; applicationId: string }): Promise<PageView> {
  return view(c, await themeForTenant(c.var.replica, tenant), tenant.id);
}

/** A page for no known application (an unknown code): neutral look. */
export function neutralView(c: Context<AppEnv>): PageView {
  return view(c, resolveTheme(""), null);
}
