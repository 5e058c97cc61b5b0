// The user object's lifecycle: no storage until user creation initialises it; ACTIVE or INACTIVE
// while the user exists; a DELETED tombstone with every counter raised once the user is deleted,
// so that no code, session or token of the user ever works again and the id cannot be reused.
import { hashPassword } from "../crypto/password-hash";
import { type UserObjectStatus, readCredential, writeCredential } from "./credential-row";
import { scheduleHousekeeping } from "./housekeeping";
import { clearFailures } from "./password-failures";
import { pendingEmails, refreshTokens, sessions } from "./schema";
import { type UserKeys, type UserStore, createStorage } from "./store";

export type InitializeOutcome = { outcome: "CREATED" } | { outcome: "EXISTS" };

/** Creates the user's storage with the first password; only user creation calls it, once. */
export async function initialize(
  store: UserStore,
  keys: UserKeys,
  password: string | null,
  status: Exclude<UserObjectStatus, "DELETED">,
): Promise<InitializeOutcome> {
  const hash = password === null ? null : await hashPassword(password, await keys.peppers());
  await createStorage(store);
  return store.storage.transactionSync(() => {
    // A tombstone, or a user already made: an id is initialised at most once.
    if (readCredential(store)) return { outcome: "EXISTS" } as const;
    writeCredential(store, { status, passwordHash: hash, credentialVersion: 0, sessionEpoch: 0, refreshEpoch: 0, changedByCode: null });
    return { outcome: "CREATED" } as const;
  });
}

/**
 * Deactivating revokes every session and refresh token and kills every outstanding reset code
 * (all counters rise) in the same transaction as the status; reactivating restores none of them.
 */
export function setStatus(store: UserStore, status: Exclude<UserObjectStatus, "DELETED">): { outcome: "UPDATED" } | { outcome: "NOT_FOUND" } {
  return store.storage.transactionSync(() => {
    const c = readCredential(store);
    if (!c || c.status === "DELETED") return { outcome: "NOT_FOUND" } as const;
    if (c.status === status) return { outcome: "UPDATED" } as const;
    if (status === "ACTIVE") {
      writeCredential(store, { ...c, status });
    } else {
      writeCredential(store, {
        ...c,
        status,
        credentialVersion: c.credentialVersion + 1,
        sessionEpoch: c.sessionEpoch + 1,
        refreshEpoch: c.refreshEpoch + 1,
      });
      scheduleHousekeeping(store);
    }
    return { outcome: "UPDATED" } as const;
  });
}

/**
 * Deletes what the user had (password, sessions, tokens, pending mail) and leaves the DELETED
 * tombstone, with every counter one higher, in one transaction. Idempotent.
 */
export async function destroy(store: UserStore): Promise<void> {
  await createStorage(store);
  store.storage.transactionSync(() => {
    const c = readCredential(store);
    if (c?.status === "DELETED") return;
    writeCredential(store, {
      status: "DELETED",
      passwordHash: null,
      credentialVersion: (c?.credentialVersion ?? 0) + 1,
      sessionEpoch: (c?.sessionEpoch ?? 0) + 1,
      refreshEpoch: (c?.refreshEpoch ?? 0) + 1,
      changedByCode: null,
    });
    store.db.delete(refreshTokens).run();
    store.db.delete(sessions).run();
    store.db.delete(pendingEmails).run();
    clearFailures(store);
    void store.storage.deleteAlarm();
  });
}
