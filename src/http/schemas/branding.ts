import { z } from "@hono/zod-openapi";
import { LANGUAGES } from "../../copy/catalog";

/** Each field of a PATCH: absent leaves it, null clears it back to the inherited value. */
export const BrandingPatchBody = z
  .object({
    displayName: z.string().trim().min(1).max(100).nullable().openapi({ description: "Shown in page titles and emails. Default: the application's name." }),
    logoUrl: z
      .url({ protocol: /^https$/ })
      .max(2048)
      .nullable()
      .openapi({ description: "An https image shown at the top of each page and email. Default: none." }),
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .nullable()
      .openapi({ description: "`#rrggbb` for buttons and links; text on it is black or white, whichever contrasts more. Default #1d4ed8.", example: "#0f766e" }),
    supportEmail: z.email().max(320).nullable().openapi({ description: "Offered for help on each page and email. Default: none." }),
    defaultLanguage: z.enum(LANGUAGES).nullable().openapi({ description: "Used when neither `?lang=` nor Accept-Language names a supported language, and for emails. Default en." }),
  })
  .partial()
  .strict()
  .openapi("BrandingPatch");

export const EffectiveBranding = z
  .object({
    applicationId: z.string(),
    tenantId: z.string().optional(),
    displayName: z.string(),
    logoUrl: z.string().nullable(),
    primaryColor: z.string(),
    supportEmail: z.string().nullable(),
    defaultLanguage: z.enum(LANGUAGES),
  })
  .openapi("EffectiveBranding");
