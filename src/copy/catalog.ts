// The message catalogs, one per language. To change wording, edit the language's file; to add a
// language, add a file typed `Copy` and list it here (the branding API and the pages pick it up).
import { de } from "./de";
import { type Copy, en } from "./en";

export type { Copy };

export const LANGUAGES = ["en", "de"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "en";

const CATALOG: ReadonlyMap<Language, Copy> = new Map<Language, Copy>([
  ["en", en],
  ["de", de],
]);

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function copyFor(language: Language): Copy {
  return CATALOG.get(language)!;
}
