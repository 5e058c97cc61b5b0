import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { revokedAccessTokens } from "../db/schema";

/** Denies the token with this `jti` until `expiresAt`; revoking twice is one row. */
export async function denyAccessToken(db: Database, jti: string, expiresAt: number): Promise<void> {
  await db.insert(revokedAccessTokens).values({ jti, expiresAt, revokedAt: Date.now() }).onConflictDoNothing();
}

export async function isAccessTokenDenied(db: Database, jti: string): Promise<boolean> {
  const row = await db.select({ jti: revokedAccessTokens.jti }).from(revokedAccessTokens).where(eq(revokedAccessTokens.jti, jti)).get();
  return row !== undefined;
}
