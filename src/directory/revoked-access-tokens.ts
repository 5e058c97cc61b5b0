import { eq } from "drizzle-orm";
import { type Database, type Sessions, replicaFirst } from "../db/client";
import { m2mClients, revokedAccessTokens } from "../db/schema";
import { externalDenials, forgettingStandings, standingKey, tokenStandings } from "./caller-standing";

/** Denies the token with this `jti` until `expiresAt`; revoking twice is one row. */
export async function denyAccessToken(db: Database, jti: string, expiresAt: number): Promise<void> {
  await forgettingStandings(db.insert(revokedAccessTokens).values({ jti, expiresAt, revokedAt: Date.now() }).onConflictDoNothing());
}

export async function isAccessTokenDenied(db: Database, jti: string): Promise<boolean> {
  const row = await db.select({ jti: revokedAccessTokens.jti }).from(revokedAccessTokens).where(eq(revokedAccessTokens.jti, jti)).get();
  return row !== undefined;
}

/** An external issuer's token on the deny-list, from the replica or the isolate's copy (caller-standing.ts). */
export function isExternalTokenDenied(replica: Database, jti: string): Promise<boolean> {
  return externalDenials.get(standingKey(jti), () => isAccessTokenDenied(replica, jti));
}

export interface ClientTokenStanding {
  /** The token's `jti` is on the deny-list. */
  denied: boolean;
  disabledAt: number | null;
  tokensValidAfter: number;
  permissions: string[];
}

/**
 * What decides whether a client's access token is still live, in one read: its `jti` on the
 * deny-list, and its client's row (null: the client was deleted).
 */
export async function clientTokenStanding(db: Database, clientId: string, jti: string | undefined): Promise<ClientTokenStanding | null> {
  const row = await db
    .select({
      deniedJti: revokedAccessTokens.jti,
      disabledAt: m2mClients.disabledAt,
      tokensValidAfter: m2mClients.tokensValidAfter,
      permissions: m2mClients.permissions,
    })
    .from(m2mClients)
    // No jti never matches: every jti this service issues is non-empty.
    .leftJoin(revokedAccessTokens, eq(revokedAccessTokens.jti, jti ?? ""))
    .where(eq(m2mClients.id, clientId))
    .get();
  if (!row) return null;
  const { deniedJti, ...rest } = row;
  return { denied: deniedJti !== null, ...rest };
}

/**
 * The standing of a client's token, from the isolate's copy (caller-standing.ts) or the replica,
 * and the primary once when the replica has no client row.
 */
export function tokenStanding(sessions: Sessions, clientId: string, jti: string): Promise<Readonly<ClientTokenStanding> | null> {
  return tokenStandings.get(standingKey(clientId, jti), async () => {
    const standing = await replicaFirst(sessions, (db) => clientTokenStanding(db, clientId, jti));
    return standing && Object.freeze(standing);
  });
}
