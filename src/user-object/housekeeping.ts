// When the user object's alarm wakes up: at the next expiry of a session or a rotated refresh
// token, and, while mail waits for relay, after a backoff that grows but never gives up.

/**
 * How long a rotated refresh token is kept after its rotation. Presenting it again within this
 * window is reuse, and revokes its session (RFC 9700 §4.14.2); after it, it is deleted and reads
 * as unknown.
 */
export const ROTATED_TOKEN_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The first relay retry waits this long; each further one twice as long, up to the ceiling. */
export const RELAY_RETRY_FIRST_MS = 10_000;
export const RELAY_RETRY_CEILING_MS = 60 * 60 * 1000;

/** The wait after the `attempts`-th failed relay (1-based), with up to a quarter of jitter (`random` in [0, 1)). */
export function relayRetryDelayMs(attempts: number, random: number): number {
  const base = Math.min(RELAY_RETRY_CEILING_MS, RELAY_RETRY_FIRST_MS * 2 ** Math.min(attempts - 1, 20));
  return base + Math.floor(base * 0.25 * random);
}

/** The earliest of the given times, or null when there is none. */
export function earliest(...times: (number | null | undefined)[]): number | null {
  let min: number | null = null;
  for (const t of times) if (t !== null && t !== undefined && (min === null || t < min)) min = t;
  return min;
}
