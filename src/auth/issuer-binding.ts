// What an external issuer may claim, as a pure decision. A trusted issuer speaks for one
// application (and, when configured, one tenant) and for machine callers only: this service's
// sessions are its own, so an external token naming a session is never accepted.
import type { TrustedIssuer } from "../config/trusted-issuers";

export type IssuerBinding =
  /** Another application or tenant, a wider boundary than configured, or a session: not a token this issuer may issue. */
  | { verdict: "OUTSIDE" }
  /** Inside the boundary; `beyondCeiling` lists claimed permissions the issuer may not grant (403). */
  | { verdict: "WITHIN"; beyondCeiling: string[] };

export function judgeIssuerBinding(
  issuer: Pick<TrustedIssuer, "applicationId" | "tenantId" | "permissions">,
  claims: { app_id: string; tnt_id?: string; sid?: string; permissions: string[] },
): IssuerBinding {
  if (claims.sid !== undefined) return { verdict: "OUTSIDE" };
  if (claims.app_id !== issuer.applicationId) return { verdict: "OUTSIDE" };
  if (issuer.tenantId !== undefined && claims.tnt_id !== issuer.tenantId) return { verdict: "OUTSIDE" };
  const ceiling = new Set<string>(issuer.permissions);
  return { verdict: "WITHIN", beyondCeiling: claims.permissions.filter((p) => !ceiling.has(p)) };
}
