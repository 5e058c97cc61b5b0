import { z } from "@hono/zod-openapi";
import { LANGUAGES } from "../../copy/catalog";
import { NO_CONTROL_CHARACTERS, urlWithoutControlCharacters, withoutControlCharacters, withoutUserinfo } from "./text-rules";

/** Each field of a PATCH: absent leaves it, null clears it back to the inherited value. */
export const BrandingPatchBody = z
  .object({
    displayName: withoutControlCharacters(z.string().trim().min(1).max(100))
      .nullable()
      .openapi({ description: `Shown in page titles and emails, and as the emails' sender name and in their subjects. Default: the application's name. ${NO_CONTROL_CHARACTERS}` }),
    logoUrl: withoutUserinfo(urlWithoutControlCharacters(/^https$/, 2048))
      .nullable()
      .openapi({ description: `An https image shown at the top of each page and email. Default: none. No userinfo (\`userinfo_not_allowed\`). ${NO_CONTROL_CHARACTERS}` }),
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .nullable()
      .openapi({ description: "`#rrggbb` for buttons and links; text on it is black or white, whichever contrasts more. Default #1d4ed8.", example: "#0f766e" }),
    supportEmail: withoutControlCharacters(z.email().max(320))
      .nullable()
      .openapi({ description: `Offered for help on each page and email. Default: none. ${NO_CONTROL_CHARACTERS}` }),
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
