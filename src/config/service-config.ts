// The secrets and trust settings the public endpoints need, parsed and checked once per isolate
// (per distinct set of values). Anything missing or malformed throws Misconfigured naming the
// variable, which the edge answers with 503 `misconfigured` before any route runs. Code that needs
// one of these secrets reads it from here, never from env directly. ADMIN_TOKEN is not here: only
// the admin API needs it, so it is parsed where admin authentication happens (admin-token.ts) and
// a bad one cannot take the public endpoints down.
import { type IssuerConfig, serviceIssuer } from "./issuer";
import { Keyring } from "../crypto/keyring";
import { parseKeyList } from "./key-list";
import { Misconfigured } from "./misconfigured";
import { type SigningKeys, loadSigningKeys } from "./signing-keys";
import { type TrustedIssuer, parseTrustedIssuers } from "./trusted-issuers";

export interface ServiceConfig {
  /** PUBLIC_BASE_URL: the `iss` of this service's tokens. Throws Misconfigured without one. */
  readonly tokenIssuer: string;
  tokenAudience: string;
  /** PASSWORD_PEPPER, current key first. */
  passwordPeppers: Keyring;
  /** SECRET_HASH_KEY, current key first: one HKDF subkey per purpose. */
  secretHashKeys: Keyring;
  signingKeys: SigningKeys;
  trustedIssuers: TrustedIssuer[];
}

type ConfigEnv = Pick<Env, "PASSWORD_PEPPER" | "SECRET_HASH_KEY" | "JWT_SIGNING_KEY" | "TRUSTED_ISSUERS" | "TOKEN_AUDIENCE"> & IssuerConfig;
const VARIABLES = ["PASSWORD_PEPPER", "SECRET_HASH_KEY", "JWT_SIGNING_KEY", "TRUSTED_ISSUERS", "TOKEN_AUDIENCE", "ENVIRONMENT", "PUBLIC_BASE_URL"] as const;

function required(variable: string, raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) throw new Misconfigured(variable, "is not set");
  return value;
}

/** The issuer if PUBLIC_BASE_URL resolves; otherwise the routes that need it answer 503 themselves. */
function resolvableIssuer(env: ConfigEnv): string | null {
  try {
    return serviceIssuer(env);
  } catch {
    return null;
  }
}

async function load(env: ConfigEnv): Promise<ServiceConfig> {
  return {
    // Resolved on use: a missing PUBLIC_BASE_URL fails what issues or checks tokens, not every route.
    get tokenIssuer() {
      return serviceIssuer(env);
    },
    tokenAudience: required("TOKEN_AUDIENCE", env.TOKEN_AUDIENCE),
    passwordPeppers: new Keyring(parseKeyList("PASSWORD_PEPPER", env.PASSWORD_PEPPER)),
    secretHashKeys: new Keyring(parseKeyList("SECRET_HASH_KEY", env.SECRET_HASH_KEY)),
    signingKeys: await loadSigningKeys(env.JWT_SIGNING_KEY),
    trustedIssuers: parseTrustedIssuers(env.TRUSTED_ISSUERS, resolvableIssuer(env)),
  };
}

// Keyed by the raw values, so a redeploy with new secrets (or a test that changes env) reloads.
// A failed load is kept too: the same bad value is not re-parsed on every request.
const loaded = new Map<string, Promise<ServiceConfig>>();
const MAX_CACHED = 4;

export function serviceConfig(env: ConfigEnv): Promise<ServiceConfig> {
  const key = JSON.stringify(VARIABLES.map((v) => env[v] ?? null));
  let config = loaded.get(key);
  if (!config) {
    if (loaded.size >= MAX_CACHED) loaded.clear();
    config = load(env);
    loaded.set(key, config);
  }
  return config;
}
