// The per-address counters live in the address's Durable Object (src/address-object), named by the
// tenant-and-email subject. These read its rows as the tests read D1's.
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { serviceConfig } from "../../src/config/service-config";
import { emailKey } from "../../src/directory/users";
import { subjectKeys } from "../../src/workflows/password-reset/code-store";

export type AddressTable = "email_sends" | "otp_failures" | "otp_attempts" | "password_failures";

/** The subject (current key) that names the address object of `email` in `tenantId`. */
export async function subjectOf(tenantId: string, email: string): Promise<string> {
  const [subject] = await subjectKeys((await serviceConfig(env)).secretHashKeys, tenantId, emailKey(email));
  return subject!;
}

export function addressObject(subject: string) {
  return env.ADDRESSES.get(env.ADDRESSES.idFromName(subject));
}

/** Rows of `table` in one address object; 0 when it has no storage (never used, or expired). */
export async function addressRows(stub: DurableObjectStub, table: AddressTable): Promise<number> {
  return runInDurableObject(stub, (_instance, state) => {
    const sql = state.storage.sql;
    if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table).toArray().length === 0) return 0;
    return sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
  });
}

/** Rows of `table` summed over every address object of this test file (storage is per file). */
export async function allAddressRows(table: AddressTable): Promise<number> {
  const ids = await listDurableObjectIds(env.ADDRESSES);
  const counts = await Promise.all(ids.map((id) => addressRows(env.ADDRESSES.get(id), table)));
  return counts.reduce((a, b) => a + b, 0);
}

/** The attempts an OTP request (`codeId`) has taken, as the address object holds them; 0 when none. */
export async function otpAttemptsOf(stub: DurableObjectStub, codeId: string): Promise<number> {
  return runInDurableObject(stub, (_instance, state) => {
    const sql = state.storage.sql;
    if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'otp_attempts'").toArray().length === 0) return 0;
    return sql.exec<{ taken: number }>("SELECT taken FROM otp_attempts WHERE code_id = ?", codeId).toArray()[0]?.taken ?? 0;
  });
}

/** Who holds the address's claim (src/address-object/address-claim.ts), and whether only pending; null when nobody. */
export async function addressClaimOf(subject: string): Promise<{ userId: string; home: number | null; pending: boolean } | null> {
  return runInDurableObject(addressObject(subject), (_instance, state) => {
    const sql = state.storage.sql;
    if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'address_claim'").toArray().length === 0) return null;
    const row = sql.exec<{ user_id: string; home: number | null; pending_until: number | null }>("SELECT user_id, home, pending_until FROM address_claim").toArray()[0];
    return row ? { userId: row.user_id, home: row.home, pending: row.pending_until !== null } : null;
  });
}

/** Leaves the address claimed for `userId` on shard `home`, pending until `pendingUntil`, as a creation that stopped after its claim would. */
export async function setAddressClaim(subject: string, userId: string, home: number | null, pendingUntil: number | null): Promise<void> {
  const stub = addressObject(subject) as unknown as { claimAddress(holder: { userId: string; home: number | null }, replacing: string | null): Promise<unknown> };
  await stub.claimAddress({ userId, home }, null);
  await setAddressClaimPendingUntil(subject, pendingUntil);
}

/** Moves the pending mark of whoever holds the address's claim (null: confirmed). */
export async function setAddressClaimPendingUntil(subject: string, pendingUntil: number | null): Promise<void> {
  await runInDurableObject(addressObject(subject), (_instance, state) => void state.storage.sql.exec("UPDATE address_claim SET pending_until = ?", pendingUntil));
}

/** Removes the address's claim, as for a user created before claims existed. */
export async function dropAddressClaim(subject: string): Promise<void> {
  await runInDurableObject(addressObject(subject), (_instance, state) => void state.storage.sql.exec("DELETE FROM address_claim"));
}
