import { DependencyUnavailable } from "../db/errors";
import type { AddressDurableObject } from "./address-durable-object";

type AddressObjectApi = Pick<AddressDurableObject, "reserveEmailSend" | "releaseEmailSend" | "reserveOtpGuess" | "refundOtpGuess" | "otpAttemptsTaken" | "countPasswordAttempt">;

/**
 * Calls one method of the address object named by `subject` (a keyed hash: the plain address
 * never names an object). A fresh stub per call: a stub that threw may be broken. No retry here:
 * a reservation made twice takes two places, and the platform retries before the call reaches the
 * object; a failure is a retryable 503 (DependencyUnavailable), closed, as D1's was.
 */
export async function callAddressObject<M extends keyof AddressObjectApi>(
  env: Pick<Env, "ADDRESSES">,
  subject: string,
  method: M,
  ...args: Parameters<AddressObjectApi[M]>
): Promise<Awaited<ReturnType<AddressObjectApi[M]>>> {
  try {
    const stub = env.ADDRESSES.get(env.ADDRESSES.idFromName(subject)) as unknown as Record<M, (...a: unknown[]) => Promise<Awaited<ReturnType<AddressObjectApi[M]>>>>;
    return await stub[method](...args);
  } catch (e) {
    throw new DependencyUnavailable("The address's Durable Object is unavailable.", { cause: e });
  }
}
