import { DependencyUnavailable } from "../db/errors";
import { type ObjectJurisdiction, namespaceIn } from "../policy/object-location";
import { mayRetry, retryDelayMs } from "./call-policy";
import type { UserObjectTime } from "./call-time";
import type { UserDurableObject } from "./user-durable-object";

export type UserObjectStub = DurableObjectStub<UserDurableObject>;

/** Where a call is made from: the binding, and the request's meter of object time if it keeps one (WorkflowDeps does). */
export interface UserObjectCaller {
  env: Pick<Env, "USERS">;
  userObjectTime?: UserObjectTime;
}

/**
 * Which user's object: the id, and the jurisdiction the object was made in (the user row's, or an
 * access token's claim), which names it as much as the id does. A User row is one. `locationHint`
 * only on the call that makes the object: the platform ignores it afterwards.
 */
export interface UserObjectRef {
  id: string;
  objectJurisdiction: ObjectJurisdiction | null;
  locationHint?: DurableObjectLocationHint;
}

/** The Durable Object of one user. A fresh stub per call: a stub that threw may be broken. */
export function userObject(env: Pick<Env, "USERS">, user: UserObjectRef): UserObjectStub {
  const ns = namespaceIn(env.USERS, user.objectJurisdiction);
  return ns.get(ns.idFromName(user.id), user.locationHint ? { locationHint: user.locationHint } : undefined);
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
>;

/**
 * Which calls give the same answer when made twice, so that a retry after an ambiguous failure
 * is safe. Typed over every method, so a new method must be classified here.
 */
const IDEMPOTENT: { [M in keyof UserObjectApi]: boolean | ((...args: Parameters<UserObjectApi[M]>) => boolean) } = {
  // A retry after a lost answer would read EXISTS and undo the user it just created.
  initialize: false,
  destroy: true,
  setStatus: true,
  // Recording a generation raises it to a maximum: twice is once.
  credentialVersion: true,
  // A reset carries its code's id, under which the object replays a committed change; Change
  // Password does not, and a second attempt would find the password already changed.
  changePassword: (input) => input.codeId !== undefined,
  login: false,
  // Rotation: a second attempt would present a rotated token, which reads as theft.
  refresh: false,
  refreshTokenStatus: true,
  sessionStatus: true,
  listSessions: true,
  revokeRefreshToken: true,
  revokeSession: true,
  revokeAllSessions: false,
  revokeAllRefreshTokens: false,
};

export function isIdempotent<M extends keyof UserObjectApi>(method: M, args: Parameters<UserObjectApi[M]>): boolean {
  const rule = IDEMPOTENT[method] as boolean | ((...a: Parameters<UserObjectApi[M]>) => boolean);
  return typeof rule === "function" ? rule(...args) : rule;
}

/**
 * Calls one method of the user's object. Its methods report outcomes rather than throw, so a throw
 * means the object was unreachable or failed. Errors the platform marks retryable are retried, on
 * a fresh stub, for idempotent calls only (see call-policy.ts); the rest surface as a retryable
 * DependencyUnavailable (503). The whole call, retries and their waits included, counts towards the
 * caller's `userObjectTime`.
 */
export async function callUserObject<M extends keyof UserObjectApi>(
  from: UserObjectCaller,
  user: UserObjectRef,
  method: M,
  ...args: Parameters<UserObjectApi[M]>
): Promise<Awaited<ReturnType<UserObjectApi[M]>>> {
  const idempotent = isIdempotent(method, args);
  const start = Date.now();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const stub = userObject(from.env, user) as unknown as Record<M, (...a: unknown[]) => Promise<Awaited<ReturnType<UserObjectApi[M]>>>>;
        return await stub[method](...args);
      } catch (e) {
        if (!mayRetry(e, idempotent, attempt)) throw new DependencyUnavailable("The user's Durable Object is unavailable.", { cause: e });
        await scheduler.wait(retryDelayMs(attempt, crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32));
      }
    }
  } finally {
    from.userObjectTime?.add(Date.now() - start);
  }
}
