// Key usage, per key id: what still depends on each SECRET_HASH_KEY and PASSWORD_PEPPER key, so an
// operator can tell when an old one can be removed (README, "When can an old key go?").
import type { ServiceConfig } from "../config/service-config";
import type { Database } from "../db/client";
import { countKeyUsage } from "../directory/key-usage";

export interface KeyStanding {
  keyId: string;
  /** The first key of its list: what new values are made under. */
  current: boolean;
  /** Still in the list; a kid found in storage but not configured names values that no longer verify. */
  configured: boolean;
}

export interface KeyUsageReport {
  secretHashKeys: (KeyStanding & { clientSecrets: number; openResetCodes: number; usersWithRefreshTokens: number })[];
  passwordPeppers: (KeyStanding & { passwordHashes: number })[];
  usersNotReported: number;
  countedAt: number;
}

/** The configured kids in order, then kids found only in storage, sorted. */
function kidsOf(configured: readonly string[], ...found: Map<string, number>[]): KeyStanding[] {
  const extra = [...new Set(found.flatMap((m) => [...m.keys()]))].filter((k) => !configured.includes(k)).sort();
  return [...configured.map((keyId, i) => ({ keyId, current: i === 0, configured: true })), ...extra.map((keyId) => ({ keyId, current: false, configured: false }))];
}

/** `databases`: the directory database and every shard. */
export async function keyUsage(config: ServiceConfig, databases: readonly Database[], now = Date.now()): Promise<KeyUsageReport> {
  const c = await countKeyUsage(databases, now);
  return {
    secretHashKeys: kidsOf(config.secretHashKeys.kids, c.clientSecrets, c.openResetCodes, c.refreshTokenUsers).map((k) => ({
      ...k,
      clientSecrets: c.clientSecrets.get(k.keyId) ?? 0,
      openResetCodes: c.openResetCodes.get(k.keyId) ?? 0,
      usersWithRefreshTokens: c.refreshTokenUsers.get(k.keyId) ?? 0,
    })),
    passwordPeppers: kidsOf(config.passwordPeppers.kids, c.passwordHashes).map((k) => ({ ...k, passwordHashes: c.passwordHashes.get(k.keyId) ?? 0 })),
    usersNotReported: c.usersNotReported,
    countedAt: now,
  };
}
