// Rules for the policy's page URLs (resetPageUrl, loginUrl), which travel in emails and answers.
// Userinfo is refused because `https://bank.example@evil.example/` reads as the bank's address
// and opens the other host; plain http is allowed only in development.
import type { PolicySettings } from "./password-reset-policy";

export const PAGE_URL_FIELDS = ["resetPageUrl", "loginUrl"] as const;

export type PageUrlViolation = { field: (typeof PAGE_URL_FIELDS)[number]; code: "https_required" | "userinfo_not_allowed" };

export function pageUrlViolations(settings: PolicySettings, development: boolean): PageUrlViolation[] {
  const out: PageUrlViolation[] = [];
  for (const field of PAGE_URL_FIELDS) {
    const value = settings[field];
    if (typeof value !== "string") continue;
    const url = URL.parse(value);
    if (!url) continue; // the schema already refused it
    if (hasUserinfo(value)) out.push({ field, code: "userinfo_not_allowed" });
    if (url.protocol !== "https:" && !development) out.push({ field, code: "https_required" });
  }
  return out;
}

/** Whether a URL names a user or password before its host (false for what is not a URL). */
export function hasUserinfo(value: string): boolean {
  const url = URL.parse(value);
  return url !== null && (url.username !== "" || url.password !== "");
}
