// Creating and deleting users: the D1 directory row and the user's Durable Object move together.
import type { Database } from "../db/client";
import { type User, deleteUserRows, insertUser } from "../directory/users";
import { callUserObject } from "../user-object/stub";

/** Inserts the user (D1 decides uniqueness), then sets the credential; undoes the row if that fails. */
export async function createUser(
  env: Env,
  db: Database,
  u: { applicationId: string; tenantId: string; email: string; password: string | null; status?: User["status"]; id?: string },
): Promise<User> {
  const user = await insertUser(db, u);
  try {
    await callUserObject(env, user.id, "initialize", u.password);
  } catch (e) {
    await deleteUserRows(db, user.id);
    throw e;
  }
  return user;
}

/** Destroys the credential and sessions first, so a failure half-way never leaves a usable password behind. */
export async function deleteUser(env: Env, db: Database, userId: string): Promise<void> {
  await callUserObject(env, userId, "destroy");
  await deleteUserRows(db, userId);
}
