// Directory rows kept in the isolate for a few seconds: a bounded, expiring memo that a write clears.
import { describe, expect, it } from "vitest";
import { DIRECTORY_CACHE_MAX_ENTRIES, DIRECTORY_CACHE_TTL_MS, IsolateCache } from "../../src/directory/isolate-cache";

function counter() {
  let loads = 0;
  return {
    load: (value: string) => async () => {
      loads++;
      return value;
    },
    get loads() {
      return loads;
    },
  };
}

describe("the isolate cache of directory rows", () => {
  it("reads once within its lifetime and again after it", async () => {
    let now = 1_000;
    const cache = new IsolateCache<string>(5_000, 10, () => now);
    const c = counter();
    expect(await cache.get("t1", c.load("v1"))).toBe("v1");
    now += 4_999;
    expect(await cache.get("t1", c.load("v2"))).toBe("v1");
    expect(c.loads).toBe(1);
    now += 1;
    expect(await cache.get("t1", c.load("v2"))).toBe("v2");
    expect(c.loads).toBe(2);
  });

  it("shares one read between concurrent misses", async () => {
    const cache = new IsolateCache<string>();
    const c = counter();
    const values = await Promise.all([1, 2, 3].map(() => cache.get("t1", c.load("v"))));
    expect(values).toEqual(["v", "v", "v"]);
    expect(c.loads).toBe(1);
  });

  it("keeps no failure: the next call reads again", async () => {
    const cache = new IsolateCache<string>();
    await expect(cache.get("t1", () => Promise.reject(new Error("D1 down")))).rejects.toThrow("D1 down");
    expect(await cache.get("t1", async () => "back")).toBe("back");
  });

  it("reads again after a clear (a write in this isolate)", async () => {
    const cache = new IsolateCache<string>();
    await cache.get("t1", async () => "old");
    cache.clear();
    expect(await cache.get("t1", async () => "new")).toBe("new");
  });

  it("holds at most its bound, dropping the oldest first", async () => {
    const cache = new IsolateCache<string>(60_000, 3);
    for (const key of ["a", "b", "c", "d"]) await cache.get(key, async () => key);
    expect(cache.size).toBe(3);
    const c = counter();
    expect(await cache.get("d", c.load("reloaded"))).toBe("d");
    expect(await cache.get("a", c.load("reloaded"))).toBe("reloaded");
  });

  it("defaults to a few seconds and a bounded size", () => {
    expect(DIRECTORY_CACHE_TTL_MS).toBeLessThanOrEqual(10_000);
    expect(DIRECTORY_CACHE_MAX_ENTRIES).toBeGreaterThan(0);
    expect(DIRECTORY_CACHE_MAX_ENTRIES).toBeLessThanOrEqual(10_000);
  });
});
