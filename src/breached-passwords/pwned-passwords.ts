// Have I Been Pwned's range API, with k-anonymity: only the first 5 hex digits of the password's
// SHA-1 leave the service. The answer lists every known suffix under that prefix as
// `SUFFIX:COUNT`, padded (`Add-Padding: true`) with made-up suffixes of count 0, so that neither
// the request nor the size of the answer tells an observer which password was checked.
import { Misconfigured } from "../config/misconfigured";
import { isDevelopment } from "../config/public-origin";
import { normalizePassword } from "../crypto/password-hash";

export const DEFAULT_RANGE_URL = "https://api.pwnedpasswords.com/range/";
/** Range answers are reused from the Cache API this long: a new breach shows within the hour. */
export const RANGE_CACHE_SECONDS = 60 * 60;
/** A lookup slower than this counts as a failure, so a hanging provider cannot hold a reset. */
export const RANGE_TIMEOUT_MS = 3_000;
/** A padded range is about 40 KB; anything much larger is not a range. */
export const RANGE_MAX_CHARS = 512 * 1024;

export type BreachCheckFailure = "unreachable" | "timeout" | "http_status" | "not_a_range";

/** The range API failed or answered something that is not a range. Nothing about the password is in it. */
export class BreachCheckUnavailable extends Error {
  override name = "BreachCheckUnavailable";
  constructor(
    readonly reason: BreachCheckFailure,
    options?: ErrorOptions,
  ) {
    super(`The breached-password range API failed: ${reason}.`, options);
  }
}

/**
 * HIBP_RANGE_URL, to which the five hex digits are appended; unset means Have I Been Pwned's own.
 * It must be https (http only in development) without userinfo, query or fragment.
 */
export function rangeBaseUrl(env: Pick<Env, "ENVIRONMENT"> & { HIBP_RANGE_URL?: string }): string {
  const configured = env.HIBP_RANGE_URL?.trim();
  if (!configured) return DEFAULT_RANGE_URL;
  const url = URL.parse(configured);
  if (!url || (url.protocol !== "https:" && !(url.protocol === "http:" && isDevelopment(env)))) {
    throw new Misconfigured("HIBP_RANGE_URL", "must be an https URL (http only in development)");
  }
  if (url.username || url.password || url.search || url.hash) throw new Misconfigured("HIBP_RANGE_URL", "must not carry userinfo, a query or a fragment");
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

const RANGE_LINE = /^([0-9A-F]{35}):(\d+)$/;

/** The `SUFFIX -> COUNT` lines of a range answer; null when it is not a range (an error page with 200). */
export function parseRange(body: string): Map<string, number> | null {
  if (body.length > RANGE_MAX_CHARS) return null;
  const range = new Map<string, number>();
  for (const line of body.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    const m = RANGE_LINE.exec(trimmed.toUpperCase());
    if (!m) return null;
    range.set(m[1]!, Number(m[2]));
  }
  return range;
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

async function fetchRange(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { "Add-Padding": "true" }, signal: AbortSignal.timeout(RANGE_TIMEOUT_MS) });
  } catch (e) {
    throw new BreachCheckUnavailable(e instanceof Error && e.name === "TimeoutError" ? "timeout" : "unreachable", { cause: e });
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new BreachCheckUnavailable("http_status");
  }
  return res.text();
}

/**
 * The range of one prefix, from the Cache API when a recent answer is there. The cache key is the
 * range URL, and what is cached is the provider's public answer: never a password or a full hash.
 */
async function rangeOf(baseUrl: string, prefix: string): Promise<Map<string, number>> {
  const url = `${baseUrl}${prefix}`;
  const cache = caches.default;
  const cached = await cache.match(url).catch(() => undefined);
  const fromCache = cached ? parseRange(await cached.text()) : null;
  if (fromCache) return fromCache;
  const body = await fetchRange(url);
  const range = parseRange(body);
  if (!range) throw new BreachCheckUnavailable("not_a_range");
  // A cache that refuses only costs the next lookup a fetch.
  await cache
    .put(url, new Response(body, { headers: { "Content-Type": "text/plain", "Cache-Control": `public, max-age=${RANGE_CACHE_SECONDS}` } }))
    .catch(() => undefined);
  return range;
}

/** Whether the password's NFKC form (what is hashed and stored) appears in a known breach. */
export async function isBreachedPassword(password: string, baseUrl: string): Promise<boolean> {
  const hash = await sha1Hex(normalizePassword(password));
  // Padding entries carry a count of 0: they are not breaches.
  return ((await rangeOf(baseUrl, hash.slice(0, 5))).get(hash.slice(5)) ?? 0) > 0;
}
