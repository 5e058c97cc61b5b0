// Secrets that rotate are lists of `kid:secret`, comma-separated, the current key first:
//   SECRET_HASH_KEY="h2:<new secret>,h1:<old secret>"
// Values stored under a key carry its kid, so an older key keeps verifying what it made until
// it is removed from the list.
import { Misconfigured } from "./misconfigured";

export interface KeyEntry {
  kid: string;
  secret: string;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;
/** 32 characters of base64url carry 192 bits; `openssl rand -base64 32` gives 44. */
export const MIN_SECRET_LENGTH = 32;
const FORMAT = "must be kid:secret[,kid:secret…] with the current key first";

/** The entries, current first. Problems name the variable and the entry's position, never a value. */
export function parseKeyList(variable: string, raw: string | undefined): KeyEntry[] {
  const value = raw?.trim() ?? "";
  if (!value) throw new Misconfigured(variable, `is not set (${FORMAT})`);
  const entries = value.split(",").map((part, i) => {
    const colon = part.indexOf(":");
    if (colon < 0) throw new Misconfigured(variable, FORMAT);
    const kid = part.slice(0, colon).trim();
    const secret = part.slice(colon + 1).trim();
    if (!KID.test(kid)) throw new Misconfigured(variable, `entry ${i + 1} has a key id that is not 1 to 32 letters, digits, _ or -`);
    if (secret.length < MIN_SECRET_LENGTH) throw new Misconfigured(variable, `entry ${i + 1} has a secret shorter than ${MIN_SECRET_LENGTH} characters`);
    return { kid, secret };
  });
  if (new Set(entries.map((e) => e.kid)).size !== entries.length) throw new Misconfigured(variable, "names a key id twice");
  return entries;
}
