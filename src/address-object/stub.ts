import { DependencyUnavailable } from "../db/errors";
import { type UserObjectLocation, namespaceIn, placementOf } from "../policy/object-location";
import type { AddressDurableObject } from "./address-durable-object";

type AddressObjectApi = Pick<AddressDurableObject, "reserveEmailSend" | "releaseEmailSend" | "reserveOtpGuess" | "refundOtpGuess" | "otpAttemptsTaken" | "countPasswordAttempt" | "claimAddress" | "confirmClaim" | "releaseClaim">;

/**
 * An address object: named by `subject` (a keyed hash: the plain address never names an object),
 * placed by the tenant's `userObjectLocation` as it is now. Nothing records where an unknown
 * address's object was made, so a change of jurisdiction starts the tenant's counters afresh in
 * the new one (docs/data.md); a hint goes with every call, as any call may be the first.
 */
export interface AddressObjectRef {
  subject: string;
  location: UserObjectLocation | null;
}

/**
 * Calls one method of an address object. A fresh stub per call: a stub that threw may be broken.
 * No retry here: a reservation made twice takes two places, and the platform retries before the
 * call reaches the object; a failure is a retryable 503 (DependencyUnavailable), closed, as D1's was.
 */
export async function callAddressObject<M extends keyof AddressObjectApi>(
  env: Pick<Env, "ADDRESSES">,
  address: AddressObjectRef,
  method: M,
  ...args: Parameters<AddressObjectApi[M]>
): Promise<Awaited<ReturnType<AddressObjectApi[M]>>> {
  try {
    const { jurisdiction, locationHint } = placementOf(address.location);
    const ns = namespaceIn(env.ADDRESSES, jurisdiction);
    const stub = ns.get(ns.idFromName(address.subject), locationHint ? { locationHint } : undefined) as unknown as Record<M, (...a: unknown[]) => Promise<Awaited<ReturnType<AddressObjectApi[M]>>>>;
    return await stub[method](...args);
  } catch (e) {
    throw new DependencyUnavailable("The address's Durable Object is unavailable.", { cause: e });
  }
}
