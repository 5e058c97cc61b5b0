// Creating and deleting users: the D1 directory row and the user's Durable Object move together.
import { auditInsert, recordAuditEventAfter } from "../audit/record";
import { DuplicateError } from "../db/errors";
import { type User, addressTaken, deleteUserRows, updateUserStatus } from "../directory/users";
import { findUserElsewhere, insertUserRouted, placeNewUser, userDatabase } from "../directory/user-shards";
import { deleteCodesElsewhere } from "./password-reset/code-shards";
import { recordUserKeyIds } from "../directory/key-usage";
import { logBackgroundFailure } from "../audit/background-failure";
import { policyForTenant } from "../directory/policies";
import { placementOf } from "../policy/object-location";
import { callUserObject } from "../user-object/stub";
import { addressObjectOf, claimAddressFor, confirmClaimFor, recordEarlierHolder, releaseClaimOf, releaseClaimOfDeleted } from "./address-claims";
import type { WorkflowDeps } from "./deps";

type Deps = Pick<WorkflowDeps, "env" | "config" | "db" | "audit" | "userObjectTime">;

const subjectOf = (user: User) => ({ applicationId: user.applicationId, tenantId: user.tenantId, userId: user.id });

/**
 * Claims the address in its object (address-claims.ts), then inserts the user on its shard, then
 * initialises the user's object, the only step that gives an object storage; undoes the row and
 * the claim if a later step fails. The claim orders creations of one address whichever shard each
 * would write to; the older-shard check finds users from before claims, and the unique index is
 * the last word on one shard. Until the object is initialised the user can neither sign in nor
 * reset. The creation commits in the object, so its event is written after the answer, never
 * with the email.
 *
 * The tenant's `userObjectLocation` places the object: its jurisdiction is recorded on the row,
 * since it names the object for good; its location hint goes only with this first call, which
 * makes the object.
 */
export async function createUser(
  deps: Pick<WorkflowDeps, "env" | "config" | "db" | "audit" | "waitUntil" | "userObjectTime">,
  u: { applicationId: string; tenantId: string; email: string; password: string | null; status?: User["status"] },
): Promise<User> {
  const location = (await policyForTenant(deps.db, { id: u.tenantId, applicationId: u.applicationId })).userObjectLocation;
  const placement = placementOf(location);
  const { id, home } = placeNewUser(deps.env, u.tenantId, u.email);
  const address = await addressObjectOf(deps, { tenantId: u.tenantId, email: u.email, location });
  await claimAddressFor(deps, address, { tenantId: u.tenantId, email: u.email, location }, { userId: id, home });
  let user: User;
  try {
    const earlier = await findUserElsewhere(deps.env, u.tenantId, u.email, home);
    if (earlier) {
      await recordEarlierHolder(deps, address, earlier, id);
      throw addressTaken();
    }
    user = await insertUserRouted(deps.env, home, { ...u, id, objectJurisdiction: placement.jurisdiction });
  } catch (e) {
    await releaseClaimOf(deps, address, id);
    throw e;
  }
  const db = userDatabase(deps.env, user);
  try {
    await confirmClaimFor(deps, address, { userId: id, home });
    const initialized = await callUserObject(deps, { ...user, ...(placement.locationHint ? { locationHint: placement.locationHint } : {}) }, "initialize", u.password, user.status);
    // Ids are fresh, so this never meets a live user or a tombstone; if it did, refuse to overwrite.
    if (initialized.outcome !== "CREATED") throw new DuplicateError("This user id was used before and cannot be reused.");
    // The user exists now: a failure to record the keys leaves the row unreported, which counts as unknown.
    await recordUserKeyIds(db, user, initialized.keyIds).catch((e) => logBackgroundFailure("create_user.key_ids_failed", e));
  } catch (e) {
    await deleteUserRows(db, user.id);
    await releaseClaimOf(deps, address, user.id);
    throw e;
  }
  recordAuditEventAfter(deps, { ...subjectOf(user), type: "user.created", detail: { status: user.status, passwordSet: u.password !== null } });
  return user;
}

/**
 * Tombstones the user's object first, then deletes the D1 rows, with the audit event, then gives
 * up the address's claim. A failure between the first two leaves a directory row whose object
 * refuses every login, refresh and reset; retrying completes it. A claim left behind gives way to
 * the next creation once the row is gone.
 */
export async function deleteUser(deps: Deps, user: User): Promise<void> {
  const db = userDatabase(deps.env, user);
  await callUserObject(deps, user, "destroy");
  await deleteUserRows(db, user.id, [auditInsert(db, deps.audit, { ...subjectOf(user), type: "user.deleted", detail: {} })]);
  await releaseClaimOfDeleted(deps, user);
  // Codes on other shards (email codes placed by a newer map version) are dead with the object; removing them is tidying.
  await deleteCodesElsewhere(deps.env, user).catch((e) => logBackgroundFailure("delete_user.codes_failed", e));
}

/**
 * Changes the status in the user's object first, which is what sign-in, refresh and reset obey
 * (deactivating revokes everything there), then the directory row. A failure between the two is
 * repaired by retrying. Null when the object no longer holds the user (deleted).
 */
export async function setUserStatus(deps: Deps, user: User, status: User["status"]): Promise<User | null> {
  const db = userDatabase(deps.env, user);
  const { audit } = deps;
  const { outcome } = await callUserObject(deps, user, "setStatus", status);
  if (outcome !== "UPDATED") return null;
  // Setting the status a user already has changes nothing, and records nothing.
  const also = user.status === status ? [] : [auditInsert(db, audit, { ...subjectOf(user), type: status === "INACTIVE" ? "user.deactivated" : "user.reactivated", detail: {} })];
  await updateUserStatus(db, user.id, status, also);
  return { ...user, status };
}
