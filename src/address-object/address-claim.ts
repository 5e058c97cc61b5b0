// Which user holds the address: creation claims it here before any D1 write, so two creations of one
// address meet in this one object whichever shard each would write to (docs/shards.md, "Growth").
// D1 stays the truth about whether a user exists; the claim only orders the creations. A claim is
// pending from the claim until the user's row is written (confirmClaim), and a pending claim stands
// for a creation that may be inserting right now, until PENDING_CLAIM_MS has passed.
import { type AddressStore, inTransaction } from "./storage";

/**
 * How long a pending claim holds off every other creation without any check. Longer than a
 * creation takes from its claim to its confirmation (a few D1 statements); once it has passed, the
 * pending holder's row decides, as a confirmed holder's does, and a holder that was only slow
 * finds its claim gone when it confirms and undoes its row.
 */
export const PENDING_CLAIM_MS = 60_000;

/**
 * A user who holds the address, with where its row is (`home`: the shard number its id carries,
 * null: the directory database), so that whoever judges the claim reads the one right place, and
 * knows when it cannot (a shard of a map version its isolate does not have yet).
 */
export interface ClaimHolder {
  userId: string;
  home: number | null;
}

export type AddressClaim =
  | { outcome: "CLAIMED" }
  /** `pending`: a creation that claimed it less than PENDING_CLAIM_MS ago and has not confirmed. */
  | { outcome: "HELD"; holder: ClaimHolder; pending: boolean };

function claimOf(sql: SqlStorage): (ClaimHolder & { pendingUntil: number | null }) | null {
  return sql.exec<{ userId: string; home: number | null; pendingUntil: number | null }>("SELECT user_id AS userId, home, pending_until AS pendingUntil FROM address_claim").toArray()[0] ?? null;
}

function setClaim(sql: SqlStorage, holder: ClaimHolder, pendingUntil: number | null): void {
  sql.exec(
    "INSERT INTO address_claim (id, user_id, home, pending_until) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, home = excluded.home, pending_until = excluded.pending_until",
    holder.userId,
    holder.home,
    pendingUntil,
  );
}

/**
 * Claims the address for `claimant`, pending: granted when nobody holds it, when the claimant
 * already does, or when the holder is `replacing` (a holder the caller found gone from D1; compared
 * here, so a claim taken meanwhile by a third creation is not overwritten). Otherwise answers the
 * holder.
 */
export function claimAddress(store: AddressStore, claimant: ClaimHolder, replacing: string | null, now: number): AddressClaim {
  return inTransaction(store, (sql) => {
    const held = claimOf(sql);
    if (held && held.userId !== claimant.userId && held.userId !== replacing) {
      return { outcome: "HELD", holder: { userId: held.userId, home: held.home }, pending: held.pendingUntil !== null && held.pendingUntil > now };
    }
    if (held?.userId === claimant.userId && held.pendingUntil === null) return { outcome: "CLAIMED" };
    setClaim(sql, claimant, now + PENDING_CLAIM_MS);
    return { outcome: "CLAIMED" };
  });
}

/**
 * Records that the holder's row exists: the claim becomes plain, held until the user is deleted.
 * False when another creation has taken the claim since (this one's pending claim had expired and
 * its row was not yet written): the caller must undo its row. `replacing`: a holder to take over
 * (a user from before claims, found by the older-shard check, takes the claim of the creation that
 * found it).
 */
export function confirmClaim(store: AddressStore, holder: ClaimHolder, replacing: string | null): boolean {
  return inTransaction(store, (sql) => {
    const held = claimOf(sql);
    // Nobody holds it: every creation under way holds a claim, so none can be racing this row.
    if (held && held.userId !== holder.userId && held.userId !== replacing) return false;
    setClaim(sql, holder, null);
    return true;
  });
}

/** Gives the address up, if `userId` holds it: its user was deleted, or its creation failed. */
export function releaseClaim(store: AddressStore, userId: string): void {
  inTransaction(store, (sql) => void sql.exec("DELETE FROM address_claim WHERE user_id = ?", userId));
}
