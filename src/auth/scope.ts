// RFC 6749 §3.3 scope: a client may ask for fewer permissions than it holds, never more.

/**
 * The permissions a token carries when `requested` (space-separated) is asked of a holder of
 * `held`: all of them when nothing is asked, else the subset asked for, in the holder's order.
 * Null when a requested permission is not held (invalid_scope).
 */
export function grantedScope(held: readonly string[], requested: string | undefined): string[] | null {
  const asked = new Set((requested ?? "").split(" ").filter((p) => p !== ""));
  if (asked.size === 0) return [...held];
  for (const p of asked) if (!held.includes(p)) return null;
  return held.filter((p) => asked.has(p));
}
