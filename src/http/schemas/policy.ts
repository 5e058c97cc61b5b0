import { z } from "@hono/zod-openapi";
import { NO_CONTROL_CHARACTERS, urlWithoutControlCharacters } from "./text-rules";
import { USER_OBJECT_LOCATIONS } from "../../policy/object-location";

const HttpUrl = urlWithoutControlCharacters(/^https?$/, 2048).openapi({ description: "An https URL (http is accepted for local development)." });

/** Enforced in the route, since it depends on ENVIRONMENT (src/policy/page-urls.ts). */
const PAGE_URL_RULE = `It must be https (http only when ENVIRONMENT=development) and carry no userinfo; otherwise 400 with \`https_required\` or \`userinfo_not_allowed\`. ${NO_CONTROL_CHARACTERS}`;

const int = (min: number, max: number, description: string) => z.number().int().min(min).max(max).openapi({ description });

/** Each field of a PATCH: absent leaves it, null clears it back to the inherited value. */
export const PolicyPatch = z
  .object({
    emailVerificationStrategy: z.enum(["LINK", "OTP"]).openapi({ description: "What a reset email carries. Default LINK." }),
    emailLinkTtlSeconds: int(60, 7 * 86400, "Lifetime of an emailed link's emailAuthCode. Default 3600."),
    otpTtlSeconds: int(60, 3600, "Lifetime of an OTP request. Default 900."),
    resetLinkTtlSeconds: int(300, 30 * 86400, "Lifetime of an admin passwordResetCode link. Default 86400."),
    otpLength: int(6, 10, "Digits in a verificationCode. Default 6."),
    otpMaxAttempts: int(1, 10, "Wrong verificationCodes before an OTP request locks. Default 5."),
    passwordMinLength: int(1, 256, "Default 8."),
    passwordMaxLength: int(8, 1024, "Default 256."),
    resetPageUrl: HttpUrl.openapi({ description: `Page that emailed and admin links point at. Default: this service's /reset-password at PUBLIC_BASE_URL. ${PAGE_URL_RULE}` }),
    loginUrl: HttpUrl.openapi({ description: `Returned after PASSWORD_UPDATED and linked from the Password Updated email. ${PAGE_URL_RULE}` }),
    sendPasswordUpdatedEmail: z.boolean().openapi({ description: "Default true." }),
    sessionIdleTtlSeconds: int(300, 90 * 86400, "A session unused this long ends. Default 7 days."),
    sessionAbsoluteTtlSeconds: int(300, 365 * 86400, "A session ends this long after login. Default 30 days."),
    forgotPasswordTurnstile: z.boolean().openapi({ description: "A Cloudflare Turnstile challenge on the hosted forgot-password form (needs TURNSTILE_SITE_KEY and TURNSTILE_SECRET_KEY). Default false." }),
    checkBreachedPasswords: z.boolean().openapi({
      description: "Refuse a new password found in Have I Been Pwned's corpus (violation `breached`), asked with k-anonymity: only the first 5 hex digits of its SHA-1 leave the service. Default true.",
    }),
    breachedCheckFailure: z.enum(["open", "closed"]).openapi({
      description:
        "When the breached-password check cannot answer (unreachable, 3 s timeout, an error or an answer that is not a range): `open` judges the password on the other rules and logs the failure; `closed` refuses the change with 503 `breached_check_unavailable` and Retry-After, changing nothing. Default open.",
    }),
    passwordFailuresBeforeDelay: int(0, 20, "Wrong passwords in a row (login and Change Password's current password, per user) answered without delay. Default 5."),
    passwordFailureDelaySeconds: int(1, 60, "The wait after the first delayed failure; it doubles with each further one. Over it: 429 with Retry-After. Default 1."),
    passwordFailureMaxDelaySeconds: int(1, 86400, "The longest wait between attempts. Not below passwordFailureDelaySeconds. Default 900."),
    passwordFailureLimit: int(1, 100, "Consecutive wrong passwords after which the password cannot be tried until it is reset or changed (429 `password_reset_required`). NIST SP 800-63B allows at most 100. Default 100."),
    resetEmailCooldownSeconds: int(
      0,
      3600,
      "After a reset email to an address, requests for it send nothing for this long (they still answer 200 with the same body). Default 60.",
    ),
    resetEmailsPerWindow: int(1, 20, "Reset emails an address can receive per window; further requests send nothing. Default 3."),
    resetEmailWindowSeconds: int(60, 86400, "The window of resetEmailsPerWindow. Default 900 (15 minutes)."),
    userObjectLocation: z.enum(USER_OBJECT_LOCATIONS).openapi({
      description:
        "Where users created from now on get their Durable Object (password, sessions, refresh tokens), and where the tenant's per-address counters are kept. A Durable Object location hint (`wnam`, `enam`, `sam`, `weur`, `eeur`, `apac`, `oc`, `afr`, `me`) places each user's object near that region when it is made; `eu` makes it in the EU jurisdiction, where it runs and stores its data only in the EU. Objects never move: a change applies to users created afterwards, and existing users keep the object (and jurisdiction) they were created with. Anything else: 400 `invalid_value`. Default: none (the object is made near the caller that creates the user).",
    }),
  })
  .partial()
  .strict();

const fields = PolicyPatch.shape;
export const PolicyPatchBody = z
  .object(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.nullable()])) as { [K in keyof typeof fields]: z.ZodNullable<(typeof fields)[K]> })
  .strict()
  .openapi("PasswordResetPolicyPatch");

export const EffectivePolicy = z
  .object({
    applicationId: z.string(),
    tenantId: z.string().optional(),
    emailVerificationStrategy: z.enum(["LINK", "OTP"]),
    emailLinkTtlSeconds: z.number().int(),
    otpTtlSeconds: z.number().int(),
    resetLinkTtlSeconds: z.number().int(),
    otpLength: z.number().int(),
    otpMaxAttempts: z.number().int(),
    passwordMinLength: z.number().int(),
    passwordMaxLength: z.number().int(),
    resetPageUrl: z.string().nullable(),
    loginUrl: z.string().nullable(),
    sendPasswordUpdatedEmail: z.boolean(),
    sessionIdleTtlSeconds: z.number().int(),
    sessionAbsoluteTtlSeconds: z.number().int(),
    forgotPasswordTurnstile: z.boolean(),
    checkBreachedPasswords: z.boolean(),
    breachedCheckFailure: z.enum(["open", "closed"]),
    passwordFailuresBeforeDelay: z.number().int(),
    passwordFailureDelaySeconds: z.number().int(),
    passwordFailureMaxDelaySeconds: z.number().int(),
    passwordFailureLimit: z.number().int(),
    resetEmailCooldownSeconds: z.number().int(),
    resetEmailsPerWindow: z.number().int(),
    resetEmailWindowSeconds: z.number().int(),
    userObjectLocation: z.enum(USER_OBJECT_LOCATIONS).nullable(),
  })
  .openapi("EffectivePasswordResetPolicy");
