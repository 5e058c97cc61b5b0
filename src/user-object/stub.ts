import { DependencyUnavailable } from "../db/errors";
import type { UserDurableObject } from "./user-durable-object";

export type UserObjectStub = DurableObjectStub<UserDurableObject>;

/** The Durable Object of one user. A fresh stub per call: a stub that threw may be broken. */
export function userObject(env: Pick<Env, "USERS">, userId: string): UserObjectStub {
  return env.USERS.get(env.USERS.idFromName(userId));
}

/** The object's RPC surface, as its class declares it. */
export type UserObjectApi = Pick<
  UserDurableObject,
  | "initialize"
  | "destroy"
  | "setStatus"
  | "credentialVersion"
  | "changePassword"
  | "login"
  | "refresh"
  | "refreshTokenStatus"
  | "sessionStatus"
  | "listSessions"
  | "revokeRefreshToken"
  | "revokeSession"
  | "revokeAllSessions"
  | "revokeAllRefreshTokens"
  | "seedForBench"
>;

/**
 * Calls one method of the user's object. Its methods report outcomes rather than throw, so a throw
 * means the object was unreachable or failed: surfaced as a retryable DependencyUnavailable and
 * never retried here, because not every call is idempotent.
 */
export async function callUserObject<M extends keyof UserObjectApi>(
  env: Pick<Env, "USERS">,
  userId: string,
  method: M,
  ...args: Parameters<UserObjectApi[M]>
): Promise<Awaited<ReturnType<UserObjectApi[M]>>> {
  try {
    const stub = userObject(env, userId) as unknown as Record<M, (...a: unknown[]) => Promise<Awaited<ReturnType<UserObjectApi[M]>>>>;
    return await stub[method](...args);
  } catch (e) {
    throw new DependencyUnavailable("The user's Durable Object is unavailable.", { cause: e });
  }
}
