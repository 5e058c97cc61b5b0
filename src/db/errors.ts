/** D1 reports constraint failures only in the message; drizzle wraps it in `cause`. */
export function isUniqueViolation(e: unknown): boolean {
  for (let err = e; err instanceof Error; err = err.cause) {
    if (err.message.includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

/** A row that must be unique already exists; the HTTP edge answers 409. */
export class DuplicateError extends Error {}

/** A storage dependency (D1 or a Durable Object) failed; nothing was applied. The edge answers 503. */
export class DependencyUnavailable extends Error {}

/** D1 failures surface as drizzle query errors or D1_* messages. */
export function isStorageFailure(e: unknown): boolean {
  for (let err = e; err instanceof Error; err = err.cause) {
    if (err.name === "DrizzleQueryError" || err.message.startsWith("D1_")) return true;
  }
  return false;
}
