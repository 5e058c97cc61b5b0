// Have I Been Pwned's range API as the service asks it: k-anonymous (five hex digits of the SHA-1
// and padding), cached by range, and a failure that names no password. The API is served by the
// host-app Worker (test/fixtures/host-app.js); nothing of our own is mocked.
import { describe, expect, it } from "vitest";
import { Misconfigured } from "../../src/config/misconfigured";
import { BreachCheckUnavailable, DEFAULT_RANGE_URL, isBreachedPassword, rangeBaseUrl } from "../../src/breached-passwords/pwned-passwords";
import { BREACHED_PASSWORD, PADDED_ONLY_PASSWORD, PROVIDER_DOWN_PASSWORD, PROVIDER_JUNK_PASSWORD, rangeRequestsFor } from "../support/pwned-passwords";

describe("the range request", () => {
  it("sends only the first five hex digits of the SHA-1, upper case, with Add-Padding: true", async () => {
    // SHA-1("k-anonymity probe") = B2A1E4B61F3C3694E797C6B1D64B9CE3C56EC4E6; no other test asks for B2A1E.
    expect(await isBreachedPassword("k-anonymity probe", DEFAULT_RANGE_URL)).toBe(false);
    expect(await rangeRequestsFor("B2A1E")).toEqual([{ url: "https://api.pwnedpasswords.com/range/B2A1E", method: "GET", addPadding: "true" }]);
  });

  it("goes to the configured HIBP_RANGE_URL", async () => {
    // SHA-1("mirror probe 1") starts FFBE0.
    expect(await isBreachedPassword("mirror probe 1", rangeBaseUrl({ ENVIRONMENT: "production", HIBP_RANGE_URL: "https://pwned-mirror.example/v1/range" }))).toBe(false);
    expect((await rangeRequestsFor("FFBE0")).map((r) => r.url)).toEqual(["https://pwned-mirror.example/v1/range/FFBE0"]);
  });
});

describe("the answer", () => {
  it("finds a breached password, and not a clean one", async () => {
    expect(await isBreachedPassword(BREACHED_PASSWORD, DEFAULT_RANGE_URL)).toBe(true);
    expect(await isBreachedPassword("a new good password", DEFAULT_RANGE_URL)).toBe(false);
  });

  it("does not count a padding entry (count 0) as a breach", async () => {
    expect(await isBreachedPassword(PADDED_ONLY_PASSWORD, DEFAULT_RANGE_URL)).toBe(false);
  });

  it("measures the NFKC form, which is what is hashed", async () => {
    // Full-width digits: NFKC turns them into "password123456".
    expect(await isBreachedPassword("password\uFF11\uFF12\uFF13\uFF14\uFF15\uFF16", DEFAULT_RANGE_URL)).toBe(true);
  });

  it("answers a second lookup of the same range from the Cache API", async () => {
    // SHA-1("cached breach 77") starts 49F72; no other test asks for it.
    expect(await isBreachedPassword("cached breach 77", DEFAULT_RANGE_URL)).toBe(true);
    expect(await isBreachedPassword("cached breach 77", DEFAULT_RANGE_URL)).toBe(true);
    expect(await rangeRequestsFor("49F72")).toHaveLength(1);
  });
});

describe("a failing provider", () => {
  it("is BreachCheckUnavailable, whose message names neither the password nor the range", async () => {
    const failure = await isBreachedPassword(PROVIDER_DOWN_PASSWORD, DEFAULT_RANGE_URL).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BreachCheckUnavailable);
    expect((failure as BreachCheckUnavailable).reason).toBe("http_status");
    expect((failure as Error).message).not.toMatch(/E3AA9|range api down/i);
  });

  it("fails on a 200 that is not a range, and does not cache it", async () => {
    const before = (await rangeRequestsFor("DE355")).length;
    for (let i = 0; i < 2; i++) {
      const failure = await isBreachedPassword(PROVIDER_JUNK_PASSWORD, DEFAULT_RANGE_URL).catch((e: unknown) => e);
      expect((failure as BreachCheckUnavailable).reason).toBe("not_a_range");
    }
    expect(await rangeRequestsFor("DE355")).toHaveLength(before + 2);
  });
});

describe("HIBP_RANGE_URL", () => {
  it("defaults to Have I Been Pwned's own range API", () => {
    expect(rangeBaseUrl({ ENVIRONMENT: "production" })).toBe("https://api.pwnedpasswords.com/range/");
    expect(rangeBaseUrl({ ENVIRONMENT: "production", HIBP_RANGE_URL: "" })).toBe("https://api.pwnedpasswords.com/range/");
  });

  it("must be https outside development, without userinfo, query or fragment", () => {
    for (const bad of ["http://pwned.example/range/", "ftp://pwned.example/", "not a url", "https://u:p@pwned.example/range/", "https://pwned.example/range/?k=1"]) {
      expect(() => rangeBaseUrl({ ENVIRONMENT: "production", HIBP_RANGE_URL: bad }), bad).toThrow(Misconfigured);
    }
    expect(rangeBaseUrl({ ENVIRONMENT: "development", HIBP_RANGE_URL: "http://localhost:9000/range/" })).toBe("http://localhost:9000/range/");
  });
});
