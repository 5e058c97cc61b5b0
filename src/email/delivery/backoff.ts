/** Longest wait between two attempts at one email. */
export const MAX_RETRY_DELAY_SECONDS = 3600;

/** Exponential backoff: the base delay before the 2nd attempt, doubling after each failure. */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_SECONDS);
}

/** EMAIL_RETRY_DELAY_SECONDS, or 30 when unset or not a non-negative number. */
export function retryBaseSeconds(env: Pick<Env, "EMAIL_RETRY_DELAY_SECONDS">): number {
  const value = Number(env.EMAIL_RETRY_DELAY_SECONDS);
  return env.EMAIL_RETRY_DELAY_SECONDS !== "" && Number.isFinite(value) && value >= 0 ? value : 30;
}
