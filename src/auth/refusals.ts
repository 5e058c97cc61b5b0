// What authentication and the permission and boundary checks refuse with, whichever edge asked.
// Each edge turns them into its own answer (src/operations/classify-error.ts).

/** No valid credential: a missing, expired, revoked or malformed token. */
export class Unauthenticated extends Error {
  override name = "Unauthenticated";
  constructor(message = "A valid bearer token is required.") {
    super(message);
  }
}

/** A valid caller without the permission or boundary the operation needs. */
export class Forbidden extends Error {
  override name = "Forbidden";
  constructor(message = "The token lacks the permission or boundary this operation needs.") {
    super(message);
  }
}

/** An unknown id, or one outside the caller's boundary: the two read alike. */
export class NotFound extends Error {
  override name = "NotFound";
  constructor(readonly what: string) {
    super(`${what} not found.`);
  }
}
