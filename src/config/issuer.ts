// The issuer of this service's tokens is its public base URL (RFC 8414 §2: an https URL, published
// at /.well-known/oauth-authorization-server, equal to every token's `iss`), so standard clients
// discover it. It comes from PUBLIC_BASE_URL, never from a request's Host.
import { publicBaseUrl } from "./public-origin";

export type IssuerConfig = Pick<Env, "ENVIRONMENT" | "PUBLIC_BASE_URL">;

export function serviceIssuer(env: IssuerConfig): string {
  return publicBaseUrl(env);
}
