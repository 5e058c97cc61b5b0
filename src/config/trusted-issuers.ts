// TRUSTED_ISSUERS: other identity providers whose access tokens this service accepts. Each one is
// bound to one application (optionally one tenant) and a ceiling of permissions, so a trusted
// issuer is never a superuser over applications it was not configured for.
import { z } from "zod";
import { PERMISSIONS } from "./permissions";
import { Misconfigured } from "./misconfigured";

const trustedIssuer = z
  .object({
    issuer: z.string().min(1),
    jwksUrl: z.url({ protocol: /^https$/ }),
    /** The `aud` its tokens must carry; the default is TOKEN_AUDIENCE. */
    audience: z.string().min(1).optional(),
    applicationId: z.string().min(1),
    /** Set: its tokens act only in this tenant, and must say so in `tnt_id`. */
    tenantId: z.string().min(1).optional(),
    /** The most its tokens may claim. */
    permissions: z.array(z.enum(PERMISSIONS)),
  })
  .strict();

export type TrustedIssuer = z.infer<typeof trustedIssuer>;

const EXAMPLE = '[{"issuer","jwksUrl","applicationId","tenantId"?,"permissions":[…],"audience"?}]';

export function parseTrustedIssuers(raw: string | undefined, ownIssuer: string | null): TrustedIssuer[] {
  const value = raw?.trim() || "[]";
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Misconfigured("TRUSTED_ISSUERS", `is not JSON; expected ${EXAMPLE}`);
  }
  const parsed = z.array(trustedIssuer).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Misconfigured("TRUSTED_ISSUERS", `is malformed at ${issue.path.join(".") || "the top level"} (${issue.message}); expected ${EXAMPLE}`);
  }
  const issuers = parsed.data;
  if (issuers.some((t) => t.issuer === ownIssuer)) throw new Misconfigured("TRUSTED_ISSUERS", "lists this service's own issuer (PUBLIC_BASE_URL)");
  if (new Set(issuers.map((t) => t.issuer)).size !== issuers.length) throw new Misconfigured("TRUSTED_ISSUERS", "lists an issuer twice");
  return issuers;
}
