// Password login: counts the attempt, verifies the password (upgrading an outdated hash), and
// opens a session with its first refresh token, unless the password changed meanwhile.
import { DECOY_PASSWORD_HASH, hashPassword, verifyPassword } from "../crypto/password-hash";
import { newId, randomToken } from "../crypto/random";
import { activeCredential, writeCredential } from "./credential-row";
import { nextExpiry, wakeBy } from "./housekeeping";
import type { PasswordThrottle } from "./password-attempts";
import { type TooManyAttempts, clearFailures, countAttempt } from "./password-failures";
import { insertRefreshToken } from "./refresh-tokens";
import type { CredentialRow } from "./schema";
import { type SessionGrant, insertSession } from "./sessions";
import type { UserKeys, UserStore } from "./store";

export type LoginOutcome =
  | { outcome: "SUCCESS"; sessionId: string; refreshToken: string }
  | { outcome: "INVALID_CREDENTIALS" }
  | TooManyAttempts;

export async function login(store: UserStore, keys: UserKeys, password: string, grant: SessionGrant, throttle: PasswordThrottle): Promise<LoginOutcome> {
  const start = activeCredential(store);
  const verdict = start ? countAttempt(store, throttle) : ({ allowed: true } as const);
  if (!verdict.allowed) return { outcome: "TOO_MANY_ATTEMPTS", retryAfterSeconds: verdict.retryAfterSeconds };
  const check = await verifyPassword(password, start?.passwordHash ?? DECOY_PASSWORD_HASH, await keys.peppers());
  if (!start?.passwordHash || !check.valid) return { outcome: "INVALID_CREDENTIALS" };
  const upgraded = check.needsRehash ? await hashPassword(password, await keys.peppers()) : null;
  const secret = randomToken();
  const tokenHash = await (await keys.secretHashKeys()).hash("refresh-token", secret);
  const outcome = store.storage.transactionSync(() => {
    const c = activeCredential(store);
    // The password changed, or the user was deleted, while we verified: no session opens.
    if (c?.credentialVersion !== start.credentialVersion) return { outcome: "INVALID_CREDENTIALS" } as const;
    if (upgraded) writeCredential(store, { ...c, passwordHash: upgraded });
    clearFailures(store);
    const sessionId = openSession(store, c, grant, tokenHash, grant.clientId, Date.now());
    return { outcome: "SUCCESS", sessionId, refreshToken: secret } as const;
  });
  if (outcome.outcome === "SUCCESS") await wakeBy(store, nextExpiry(store));
  return outcome;
}

/** A live session of the current epochs with its first refresh token; returns the session's id. */
export function openSession(
  store: UserStore,
  epochs: Pick<CredentialRow, "sessionEpoch" | "refreshEpoch">,
  grant: Omit<SessionGrant, "clientId">,
  tokenHash: string,
  clientId: string | null,
  now: number,
): string {
  const sessionId = newId();
  insertSession(store, grant, epochs.sessionEpoch, now, sessionId);
  insertRefreshToken(store, tokenHash, sessionId, epochs.refreshEpoch, now, clientId);
  return sessionId;
}
