// Work after the answer (waitUntil) has no caller to tell when it fails: the audit trail's own
// writes and the workflows' bookkeeping log the failure instead.

/** Logs an off-path failure by event and error class only: no codes, emails or messages. */
export function logBackgroundFailure(event: string, e: unknown): void {
  console.error(JSON.stringify({ event, error: e instanceof Error ? e.name : typeof e }));
}
