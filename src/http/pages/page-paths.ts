// Where the hosted pages live. Every link, form action and cookie path is derived from here, so
// a path prefix (BASE_PATH) needs a change in this one place.

import { basePath } from "../../config/base-path";

export const PAGES = {
  resetPassword: "/reset-password",
  resetPasswordOtp: "/reset-password/otp",
  forgotPassword: "/forgot-password",
} as const;

export type PageName = keyof typeof PAGES;

const PAGE_PATHS: ReadonlySet<string> = new Set(Object.values(PAGES));

/** Whether a path (within BASE_PATH) is one of the pages. */
export function isPagePath(path: string): boolean {
  return PAGE_PATHS.has(path);
}

/** The path prefix of the pages: BASE_PATH, empty at the root. */
export function pagesPrefix(env: Env): string {
  return basePath(env);
}

/** A path to a page (no origin: the browser is already on it), with its query. */
export function pagePath(env: Env, page: PageName, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
  const search = params.toString();
  return `${pagesPrefix(env)}${PAGES[page]}${search ? `?${search}` : ""}`;
}

/** The code cookie is sent only to the reset pages, never to the API. */
export function codeCookiePath(env: Env): string {
  return `${pagesPrefix(env)}${PAGES.resetPassword}`;
}
