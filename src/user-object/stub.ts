import { DependencyUnavailable } from "../db/errors";
import type { UserDurableObject } from "./user-durable-object";

export type UserObjectStub = DurableObjectStub<UserDurableObject>;

/** The Durable Object of one user. A fresh stub per call: a stub that threw may be broken. */
export function userObject(env: Pick<Env, "USERS">, userId: string): UserObjectStub {
  return env.USERS.get(env.USERS.idFromName(userId));
}

/**
 * Calls the user's object once. Its methods report outcomes rather than throw, so a throw means
 * the object was unreachable or failed: surfaced as a retryable DependencyUnavailable, never retried
 * here, because not every call is idempotent.
 */
export async function callUserObject<T>(env: Pick<Env, "USERS">, userId: string, call: (stub: UserObjectStub) => Promise<T>): Promise<T> {
  try {
    return await call(userObject(env, userId));
  } catch (e) {
    throw new DependencyUnavailable("The user's Durable Object is unavailable.", { cause: e });
  }
}
