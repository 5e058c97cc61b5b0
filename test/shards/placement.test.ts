// The shard map and placement, as pure functions: spread, determinism, growth that never moves
// an existing id, and residency that only ever picks the tenant's own set.
import { describe, expect, it } from "vitest";
import { Misconfigured } from "../../src/config/misconfigured";
import { newId } from "../../src/crypto/random";
import { candidates, emailPlacementKey, placeNew, shardSetOf, shardsOfSet } from "../../src/shards/placement";
import { parseShardMap } from "../../src/shards/shard-map";
import { newShardedId, shardOfId } from "../../src/shards/sharded-id";

const TWO = parseShardMap(JSON.stringify({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0, 1] } }] }));
// Grown from 2 to 4 default shards in version 2, with an EU set beside them.
const GROWN = parseShardMap(
  JSON.stringify({
    bindings: ["DB_SHARD_0", "DB_SHARD_1", "DB_SHARD_2", "DB_SHARD_3", "DB_SHARD_EU_0", "DB_SHARD_EU_1"],
    versions: [
      { version: 1, sets: { default: [0, 1], eu: [4, 5] } },
      { version: 2, sets: { default: [0, 1, 2, 3], eu: [4, 5] } },
    ],
    tenants: { eutenant000000000000000000: "eu" },
  }),
);

const emails = (n: number) => Array.from({ length: n }, (_, i) => emailPlacementKey("tenant0000000000000000000a", `user${i}@example.com`));

describe("placement", () => {
  it("spreads one tenant's addresses evenly over its set's shards", () => {
    const counts = [0, 0, 0, 0];
    for (const key of emails(20_000)) counts[placeNew(GROWN, "default", key)]!++;
    // 5,000 expected each; a binomial's standard deviation here is about 61.
    for (const c of counts) expect(Math.abs(c - 5_000)).toBeLessThan(300);
  });

  it("is deterministic: the same key always lands on the same shard", () => {
    for (const key of emails(200)) expect(placeNew(TWO, "default", key)).toBe(placeNew(TWO, "default", key));
    expect(new Set(emails(200).map((k) => placeNew(TWO, "default", k))).size).toBe(2);
  });

  it("growth places new rows by the newest version, and a lookup by email finds every older placement", () => {
    let moved = 0;
    for (const key of emails(2_000)) {
      const before = placeNew(TWO, "default", key);
      const found = candidates(GROWN, "default", key);
      // Newest version first; the old placement is always among the candidates.
      expect(found[0]).toBe(placeNew(GROWN, "default", key));
      expect(found).toContain(before);
      expect(found.length).toBeLessThanOrEqual(2);
      if (found.length === 2) moved++;
    }
    // Half the keys would land elsewhere under version 2: those cost a second read on a miss.
    expect(moved).toBeGreaterThan(800);
    expect(moved).toBeLessThan(1_200);
  });

  it("an id keeps the shard it was drawn on through any growth of the map", () => {
    for (let shard = 0; shard < 2; shard++) {
      const id = newShardedId(shard);
      expect(id).toMatch(/^[a-z0-9]{26}$/);
      expect(shardOfId(TWO, id)).toBe(shard);
      expect(shardOfId(GROWN, id)).toBe(shard);
    }
    expect(shardOfId(GROWN, newShardedId(5))).toBe(5);
    // A shard the map does not have (an id from before sharding): the directory database.
    expect(shardOfId(TWO, newShardedId(5))).toBeNull();
    expect(shardOfId(null, newShardedId(0))).toBeNull();
    expect(newShardedId(null)).toMatch(/^[a-z0-9]{26}$/);
  });

  it("residency picks only the tenant's set, and a missing set fails closed", () => {
    expect(shardSetOf(GROWN, "eutenant000000000000000000")).toBe("eu");
    expect(shardSetOf(GROWN, newId())).toBe("default");
    expect(shardSetOf(GROWN, newId(), "eu")).toBe("eu");
    for (const key of emails(500)) {
      expect([4, 5]).toContain(placeNew(GROWN, "eu", key));
      for (const s of candidates(GROWN, "eu", key)) expect([4, 5]).toContain(s);
    }
    expect(shardsOfSet(GROWN, "eu")).toEqual([4, 5]);
    expect(shardsOfSet(GROWN, null)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => placeNew(TWO, "eu", emails(1)[0]!)).toThrow(Misconfigured);
  });

  it("refuses a map that could misplace data", () => {
    const bad = (m: unknown) => () => parseShardMap(JSON.stringify(m));
    expect(bad({ bindings: ["DB_SHARD_0"], versions: [{ version: 1, sets: { default: [1] } }] })).toThrow(Misconfigured);
    expect(bad({ bindings: ["ADMIN_TOKEN"], versions: [{ version: 1, sets: { default: [0] } }] })).toThrow(Misconfigured);
    // One database cannot be in two jurisdictions.
    expect(bad({ bindings: ["DB_SHARD_0", "DB_SHARD_1"], versions: [{ version: 1, sets: { default: [0, 1], eu: [1] } }] })).toThrow(Misconfigured);
    expect(bad({ bindings: ["DB_SHARD_0"], versions: [{ version: 2, sets: { default: [0] } }, { version: 1, sets: { default: [0] } }] })).toThrow(Misconfigured);
    expect(() => parseShardMap("{")).toThrow(Misconfigured);
  });
});
