// A client's secrets: at most two work at once, the current one and, after a rotation, the one it
// replaced until its retirement time (the overlap in which a host moves to the new secret). Both
// are stored only as keyed hashes. Rotation and retirement are guarded single statements, so
// concurrent calls cannot leave three secrets alive or lose one that was handed out.
import { and, eq, gt, isNotNull, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Keyring } from "../crypto/keyring";
import { randomToken } from "../crypto/random";
import type { Database, Sessions, Statement } from "../db/client";
import { m2mClients } from "../db/schema";
import { forgettingStandings } from "./caller-standing";
import { type M2mClient, clientRow } from "./clients";

/**
 * The client, if it is enabled and the secret matches its current secret, or its previous one
 * before that one's retirement (compared in constant time). The row comes from the isolate's copy
 * (caller-standing.ts) or the replica; when it does not authenticate there, the primary is read
 * once, so a client created or a secret rotated in a moment ago, here or elsewhere, works at
 * once. A hash made under an older SECRET_HASH_KEY is replaced by one under the current key on use.
 */
export async function authenticateClient(sessions: Sessions, keys: Keyring, id: string, secret: string, now = Date.now()): Promise<M2mClient | null> {
  const match = (await secretMatch(keys, await clientRow(sessions, id), secret, now)) ?? (await secretMatch(keys, await clientAtPrimary(sessions.db, id), secret, now));
  if (!match) return null;
  const { client, column, stale } = match;
  if (!stale) return client;
  const stored = client[column]!;
  const rehashed = await keys.hash("client-secret", secret);
  await forgettingStandings(
    sessions.db
      .update(m2mClients)
      .set({ [column]: rehashed })
      .where(and(eq(m2mClients.id, client.id), eq(m2mClients[column], stored))),
  );
  return { ...client, [column]: rehashed };
}

async function clientAtPrimary(db: Database, id: string): Promise<M2mClient | null> {
  return (await db.select().from(m2mClients).where(eq(m2mClients.id, id)).get()) ?? null;
}

/** Which of the client's secrets `secret` is, if the client may authenticate; null otherwise. */
async function secretMatch(keys: Keyring, client: Readonly<M2mClient> | null, secret: string, now: number) {
  // Two HMACs whatever the row, so an unknown id, a disabled client and a wrong secret answer alike.
  const previousHash = client && client.previousSecretHash !== null && (client.previousSecretRetiresAt ?? 0) > now ? client.previousSecretHash : "";
  const current = await keys.verify("client-secret", secret, client?.secretHash ?? "");
  const previous = await keys.verify("client-secret", secret, previousHash);
  if (!client || client.disabledAt !== null || !(current.valid || previous.valid)) return null;
  return current.valid
    ? { client, column: "secretHash" as const, stale: current.stale }
    : { client, column: "previousSecretHash" as const, stale: previous.stale };
}

/** True while no previous secret is in its overlap: the one state a rotation may start from. */
export function mayRotate(id: string, now: number): SQL {
  return and(eq(m2mClients.id, id), or(isNull(m2mClients.previousSecretHash), lte(m2mClients.previousSecretRetiresAt, now)))!;
}

/**
 * A new current secret; the current one becomes the previous, working until `retiresAt`. Refused
 * (null) while an earlier rotation's previous secret still works: retire it first. `audit`: the
 * event, inserted only under the same guard (`mayRotate`) and ahead of the change, in its batch.
 */
export async function rotateClientSecret(
  db: Database,
  keys: Keyring,
  id: string,
  retiresAt: number,
  audit: (guard: SQL) => Statement,
  now = Date.now(),
): Promise<{ clientSecret: string } | null> {
  const clientSecret = randomToken();
  const secretHash = await keys.hash("client-secret", clientSecret);
  const [, rotated] = await forgettingStandings(db.batch([
    audit(mayRotate(id, now)),
    db
      .update(m2mClients)
      .set({ previousSecretHash: sql`${m2mClients.secretHash}`, previousSecretRetiresAt: retiresAt, secretHash })
      .where(mayRotate(id, now))
      .returning({ id: m2mClients.id }),
  ]));
  return rotated.length === 1 ? { clientSecret } : null;
}

/** True while a previous secret still works. */
export function mayRetire(id: string, now: number): SQL {
  return and(eq(m2mClients.id, id), isNotNull(m2mClients.previousSecretHash), gt(m2mClients.previousSecretRetiresAt, now))!;
}

/**
 * Retires the previous secret now, and with it every access token the client was issued before
 * now (a leaked secret's tokens too). False when no previous secret works.
 */
export async function retirePreviousSecret(db: Database, id: string, audit: (guard: SQL) => Statement, now = Date.now()): Promise<boolean> {
  const [, retired] = await forgettingStandings(db.batch([
    audit(mayRetire(id, now)),
    db
      .update(m2mClients)
      .set({ previousSecretHash: null, previousSecretRetiresAt: null, tokensValidAfter: now })
      .where(mayRetire(id, now))
      .returning({ id: m2mClients.id }),
  ]));
  return retired.length === 1;
}
