// The single credential row every concern checks first: status, password hash, and the version
// and epochs whose increase revokes codes, sessions and refresh tokens at once (see schema.ts).
import { eq } from "drizzle-orm";
import { type CredentialRow, credential } from "./schema";
import type { UserStore } from "./store";

export type CredentialState = Pick<CredentialRow, "status" | "passwordHash" | "credentialVersion" | "sessionEpoch" | "refreshEpoch" | "changedByCode">;

export type UserObjectStatus = CredentialRow["status"];

/** The credential row; null while the object was never initialised. */
export function readCredential(store: UserStore): CredentialRow | null {
  if (!store.hasStorage) return null;
  return store.db.select().from(credential).where(eq(credential.id, 1)).get() ?? null;
}

/** The credential of a user who may sign in and change the password now. */
export function activeCredential(store: UserStore): CredentialRow | null {
  const c = readCredential(store);
  return c?.status === "ACTIVE" ? c : null;
}

export function writeCredential(store: UserStore, c: CredentialState): void {
  const row = {
    status: c.status,
    passwordHash: c.passwordHash,
    credentialVersion: c.credentialVersion,
    sessionEpoch: c.sessionEpoch,
    refreshEpoch: c.refreshEpoch,
    changedByCode: c.changedByCode,
    updatedAt: Date.now(),
  };
  store.db
    .insert(credential)
    .values({ id: 1, ...row })
    .onConflictDoUpdate({ target: credential.id, set: row })
    .run();
}
