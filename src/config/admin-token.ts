import { MIN_SECRET_LENGTH } from "./key-list";
import { Misconfigured } from "./misconfigured";

/** ADMIN_TOKEN: the bootstrap bearer token. Short or padded values are refused, not trimmed. */
export function parseAdminToken(raw: string | undefined): string {
  if (!raw) throw new Misconfigured("ADMIN_TOKEN", "is not set");
  if (raw.length < MIN_SECRET_LENGTH) throw new Misconfigured("ADMIN_TOKEN", `is shorter than ${MIN_SECRET_LENGTH} characters`);
  if (/\s/.test(raw)) throw new Misconfigured("ADMIN_TOKEN", "contains whitespace");
  return raw;
}
