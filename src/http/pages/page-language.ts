// The page's language: `?lang=`, then Accept-Language (hono/language's detectors), then the
// default of the application whose code or tenant the page serves.
import type { Context } from "hono";
import { type DetectorOptions, detectFromHeader, detectFromQuery } from "hono/language";
import { LANGUAGES, type Language, isLanguage } from "../../copy/catalog";

const OPTIONS: DetectorOptions = {
  order: ["querystring", "header"],
  lookupQueryString: "lang",
  lookupCookie: "language",
  lookupFromPathIndex: 0,
  lookupFromHeaderKey: "accept-language",
  caches: false,
  ignoreCase: true,
  fallbackLanguage: "en",
  supportedLanguages: [...LANGUAGES],
};

export function pageLanguage(c: Context, applicationDefault: Language): Language {
  const detected = detectFromQuery(c, OPTIONS) ?? detectFromHeader(c, OPTIONS);
  return isLanguage(detected) ? detected : applicationDefault;
}

/** `?lang=` when the request named a supported one, so links and form actions keep it. */
export function explicitLanguage(c: Context): Language | undefined {
  const q = detectFromQuery(c, OPTIONS);
  return isLanguage(q) ? q : undefined;
}
