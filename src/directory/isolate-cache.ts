// Directory rows that every reset, login and request-reset reads, and that change only through an
// admin PATCH (policies, branding) or never (a tenant's application, an application's name), are
// kept in the isolate for a few seconds instead of being read from D1 on each request: locally
// each D1 read costs about as much thread time as a third of an empty request.
//
// Staleness: a PATCH clears this isolate's copy at once (the route calls `clear`), but other
// isolates (other locations, other machines) keep theirs until it expires, so a change takes up
// to DIRECTORY_CACHE_TTL_MS to apply everywhere. Only values that may lag that long belong here.
// What revokes belongs here only where every request reads it and its revocation may lag by that
// bound: a client's token standing and its row (caller-standing.ts), since one host app sending
// 10,000 requests a second would otherwise send each of them to one directory replica. Its
// revoking writes clear the copy in their own isolate, and docs/data.md states the bound. Never
// sessions, refresh tokens, codes or user status: those live in the user's object, read each time.

/** How long an isolate trusts a directory row it read. */
export const DIRECTORY_CACHE_TTL_MS = 5_000;
/** Entries per cache; the oldest go first, so a busy isolate cannot grow it without bound. */
export const DIRECTORY_CACHE_MAX_ENTRIES = 1_000;

export class IsolateCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

  constructor(
    private readonly ttlMs = DIRECTORY_CACHE_TTL_MS,
    private readonly maxEntries = DIRECTORY_CACHE_MAX_ENTRIES,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The value under `key`, loading it on a miss or once it expired. Concurrent misses share one
   * load. A failed load is not kept, so the next call reads again (and fails closed again).
   */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    if (hit) this.entries.delete(key);
    const value = load();
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** Forgets everything: after a write, so this isolate reads its own write. */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
