// The look of the hosted pages and the emails: defaults, overridden by the application's branding,
// overridden in turn by the tenant's. Pure: storage lives in src/directory/branding.ts.
import { DEFAULT_LANGUAGE, type Language } from "../copy/catalog";

export interface Theme {
  /** Shown in titles and emails. Default: the application's name. */
  displayName: string;
  /** An https image shown above each page and email. */
  logoUrl: string | null;
  /** `#rrggbb`: buttons, links and the page accent. */
  primaryColor: string;
  /** Offered on every page and email for help. */
  supportEmail: string | null;
  /** The language when neither `?lang=` nor Accept-Language names a supported one. */
  defaultLanguage: Language;
}

/** Stored settings of one level: null (or absent) inherits from the level above. */
export type BrandingSettings = { [K in keyof Theme]?: Theme[K] | null };

export const DEFAULT_PRIMARY_COLOR = "#1d4ed8";

export function resolveTheme(applicationName: string, ...levels: (BrandingSettings | null | undefined)[]): Theme {
  const theme: Theme = {
    displayName: applicationName,
    logoUrl: null,
    primaryColor: DEFAULT_PRIMARY_COLOR,
    supportEmail: null,
    defaultLanguage: DEFAULT_LANGUAGE,
  };
  for (const level of levels) {
    if (!level) continue;
    if (level.displayName != null) theme.displayName = level.displayName;
    if (level.logoUrl != null) theme.logoUrl = level.logoUrl;
    if (level.primaryColor != null) theme.primaryColor = level.primaryColor;
    if (level.supportEmail != null) theme.supportEmail = level.supportEmail;
    if (level.defaultLanguage != null) theme.defaultLanguage = level.defaultLanguage;
  }
  return theme;
}

/** Black or white, whichever reads better on the primary colour (WCAG relative luminance). */
export function textOnColor(hex: string): "#000000" | "#ffffff" {
  const channel = (i: number) => {
    const v = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  // Contrast with white is 1.05/(L+0.05), with black (L+0.05)/0.05: pick the larger.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? "#ffffff" : "#000000";
}
