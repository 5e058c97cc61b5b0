// ADMIN_TOKEN: the bootstrap bearer token(s) of the admin API, comma-separated, current first, so
// a new one can be rolled out while the old one still works. Only admin authentication reads it
// (src/auth/authenticate.ts), so a malformed value takes down the admin calls and nothing else.
import { secretsEqual } from "../crypto/constant-time";
import { MIN_SECRET_LENGTH } from "./key-list";
import { Misconfigured } from "./misconfigured";

const VARIABLE = "ADMIN_TOKEN";

/** The tokens, current first. Short, padded or repeated entries are refused, not trimmed away. */
export function parseAdminTokens(raw: string | undefined): string[] {
  const value = raw?.trim() ?? "";
  if (!value) throw new Misconfigured(VARIABLE, "is not set");
  const tokens = value.split(",").map((part) => part.trim());
  tokens.forEach((token, i) => {
    if (token.length < MIN_SECRET_LENGTH) throw new Misconfigured(VARIABLE, `entry ${i + 1} is shorter than ${MIN_SECRET_LENGTH} characters`);
    if (/\s/.test(token)) throw new Misconfigured(VARIABLE, `entry ${i + 1} contains whitespace`);
  });
  if (new Set(tokens).size !== tokens.length) throw new Misconfigured(VARIABLE, "lists a token twice");
  return tokens;
}

// Parsed once per distinct raw value; a refusal is kept too, so a bad value is not re-parsed per call.
const parsed = new Map<string, string[] | Misconfigured>();
const MAX_CACHED = 4;

function adminTokens(raw: string | undefined): string[] {
  const key = raw ?? "";
  let tokens = parsed.get(key);
  if (!tokens) {
    try {
      tokens = parseAdminTokens(raw);
    } catch (e) {
      if (!(e instanceof Misconfigured)) throw e;
      tokens = e;
    }
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(key, tokens);
  }
  if (tokens instanceof Misconfigured) throw tokens;
  return tokens;
}

/**
 * Whether `presented` is one of the admin tokens. Every listed token is compared, whichever
 * matches, so the time taken tells nothing about which one (or how many) there are to match.
 * Throws Misconfigured when ADMIN_TOKEN is missing or malformed.
 */
export function isAdminToken(env: Pick<Env, "ADMIN_TOKEN">, presented: string): boolean {
  let matched = false;
  for (const token of adminTokens(env.ADMIN_TOKEN)) matched = secretsEqual(presented, token) || matched;
  return matched;
}
