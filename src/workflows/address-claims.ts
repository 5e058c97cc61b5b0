// One user per address across shards and map versions (docs/shards.md, "Growth"): a creation claims
// the address in the address's object before any D1 write, so creations that would write to
// different shards (isolates on two map versions during a deploy) are still ordered in one place.
// D1 stays the truth about which users exist: a holder whose row is gone gives way, and an address
// nobody has claimed yet (its user came before claims) is found by the older-shard check as before.
import type { AddressClaim, ClaimHolder } from "../address-object/address-durable-object";
import { type AddressObjectRef, callAddressObject } from "../address-object/stub";
import { logBackgroundFailure } from "../audit/background-failure";
import { policyForTenant } from "../directory/policies";
import { userAtHome, userShard } from "../directory/user-shards";
import { type User, addressTaken, emailKey } from "../directory/users";
import type { UserObjectLocation } from "../policy/object-location";
import type { WorkflowDeps } from "./deps";
import { subjectKeys } from "./password-reset/code-store";

type Deps = Pick<WorkflowDeps, "env" | "config">;

export interface Address {
  tenantId: string;
  email: string;
  location: UserObjectLocation | null;
}


/** The address's object, as request-reset and login name it (the keyed subject under the current key). */
export async function addressObjectOf(deps: Deps, a: Address): Promise<AddressObjectRef> {
  const [subject] = await subjectKeys(deps.config.secretHashKeys, a.tenantId, emailKey(a.email));
  return { subject: subject!, location: a.location };
}

/**
 * Claims the address for the new user (pending until confirmClaimFor), or throws the conflict a
 * second user of the address gets. A holder that is not pending is judged by D1: if its row is gone
 * (a delete whose release never ran, a creation that stopped), the claim is taken over from it, in
 * the object, only if nobody took it meanwhile.
 */
export async function claimAddressFor(deps: Deps, address: AddressObjectRef, a: Address, claimant: ClaimHolder): Promise<void> {
  let replacing: string | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    const claim: AddressClaim = await callAddressObject(deps.env, address, "claimAddress", claimant, replacing);
    if (claim.outcome === "CLAIMED") return;
    // A creation under way: run one at a time, it would have come first.
    if (claim.pending || !(await holderIsGone(deps, a, claim.holder))) throw addressTaken();
    replacing = claim.holder.userId;
  }
  throw addressTaken();
}

/** Whether the holder's row is gone; a holder on a shard this Worker's map does not reach yet is taken to exist. */
async function holderIsGone(deps: Deps, a: Address, holder: ClaimHolder): Promise<boolean> {
  const user = await userAtHome(deps.env, holder.home, holder.userId);
  if (user === undefined) return false;
  return !user || user.tenantId !== a.tenantId || user.emailKey !== emailKey(a.email);
}

/**
 * The user's row is written: the claim is held until the user is deleted. A claim another creation
 * took meanwhile (this one was slower than PENDING_CLAIM_MS) throws the conflict; the caller undoes
 * its row, so the address keeps one user.
 */
export async function confirmClaimFor(deps: Deps, address: AddressObjectRef, holder: ClaimHolder): Promise<void> {
  if (!(await callAddressObject(deps.env, address, "confirmClaim", holder, null))) throw addressTaken();
}

/**
 * A user from before claims holds the address (found by the older-shard check): the claim moves to
 * it from the creation that found it, so the next creation finds it by id. Only tidying: without
 * it the check finds the user again.
 */
export async function recordEarlierHolder(deps: Deps, address: AddressObjectRef, earlier: User, claimedFor: string): Promise<void> {
  const holder = { userId: earlier.id, home: userShard(deps.env, earlier) };
  await callAddressObject(deps.env, address, "confirmClaim", holder, claimedFor).catch((e) => logBackgroundFailure("create_user.claim_backfill_failed", e));
}

/**
 * Gives the address up for `userId` (deleted, or its creation failed). Only tidying, so a failure
 * is logged, not answered: a holder whose row is gone gives way to the next creation anyway.
 */
export async function releaseClaimOf(deps: Deps, address: AddressObjectRef, userId: string): Promise<void> {
  await callAddressObject(deps.env, address, "releaseClaim", userId).catch((e) => logBackgroundFailure("user.claim_release_failed", e));
}

/** A deleted user's address, given up in the object the tenant's location names now. Only tidying, like releaseClaimOf. */
export async function releaseClaimOfDeleted(deps: Deps & Pick<WorkflowDeps, "db">, user: User): Promise<void> {
  try {
    const { userObjectLocation: location } = await policyForTenant(deps.db, { id: user.tenantId, applicationId: user.applicationId });
    await releaseClaimOf(deps, await addressObjectOf(deps, { tenantId: user.tenantId, email: user.email, location }), user.id);
  } catch (e) {
    logBackgroundFailure("delete_user.claim_release_failed", e);
  }
}
