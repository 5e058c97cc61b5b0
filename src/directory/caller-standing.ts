// The calling client's standing, kept in the isolate like tenants and policies (isolate-cache.ts):
// every authenticated request reads it, and one host app sending 10,000 requests a second with
// one token (or one secret, at the token endpoint) would otherwise send them all to one directory
// replica. Every write that revokes (a denied `jti`; a client disabled, deleted, cut off,
// re-permissioned, or given another secret) clears all three in the isolate that made it, so
// there a revocation holds at once; elsewhere a copy lives at most DIRECTORY_CACHE_TTL_MS.
import type { M2mClient } from "./clients";
import { IsolateCache } from "./isolate-cache";
import type { ClientTokenStanding } from "./revoked-access-tokens";

/** Client rows by id, as the replica had them: client authentication and the RPC binding's client. */
export const clientRows = new IsolateCache<Readonly<M2mClient> | null>();

/** What decides whether an access token is live, by client and `jti`; a refused one is kept too. */
export const tokenStandings = new IsolateCache<Readonly<ClientTokenStanding> | null>();

/** Deny-list entries of external issuers' tokens, by `jti`. */
export const externalDenials = new IsolateCache<boolean>();

/** After a write to a client or the deny-list: this isolate reads its own write from the next request. */
function forgetCallerStandings(): void {
  clientRows.clear();
  tokenStandings.clear();
  externalDenials.clear();
}

/** Awaits a write to a client or the deny-list, then forgets; after a failure too, as the write may have landed. */
export async function forgettingStandings<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    forgetCallerStandings();
  }
}

/** A cache key from its parts, unambiguous whatever characters they hold. */
export const standingKey = (...parts: string[]): string => JSON.stringify(parts);
