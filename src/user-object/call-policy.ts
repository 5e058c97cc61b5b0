// When a failed call to the user's object may be made again. Pure, so that the rules can be read
// and tested apart from the platform that raises the errors.

/** Attempts per call, the first included. The platform retries too, before the call reaches the object. */
export const USER_OBJECT_ATTEMPTS = 3;

/** The platform's flags on a Durable Object error (developers.cloudflare.com/durable-objects/best-practices/error-handling). */
interface PlatformFlags {
  retryable?: unknown;
  overloaded?: unknown;
}

/**
 * Retry only an error the platform marks retryable, only for a call that gives the same answer
 * when made twice, and never an overloaded object: retrying would add to its load.
 */
export function mayRetry(error: unknown, idempotent: boolean, attempt: number): boolean {
  if (!idempotent || attempt >= USER_OBJECT_ATTEMPTS || !(error instanceof Error)) return false;
  const flags = error as Error & PlatformFlags;
  return flags.retryable === true && flags.overloaded !== true;
}

/** Backoff before retry number `attempt` (1-based): 25 ms, then 50 ms, with up to half again of jitter. */
export function retryDelayMs(attempt: number, random: number): number {
  const base = 25 * 2 ** (attempt - 1);
  return base + Math.floor(base * 0.5 * random);
}
