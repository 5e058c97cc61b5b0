// PUBLIC_BASE_URL: the only source of the origin in links to this service's own pages.
import { describe, expect, it } from "vitest";
import { Misconfigured } from "../../src/config/misconfigured";
import { DEVELOPMENT_BASE_URL, publicBaseUrl } from "../../src/config/public-origin";

const production = (PUBLIC_BASE_URL: string) => ({ ENVIRONMENT: "production", PUBLIC_BASE_URL });
const development = (PUBLIC_BASE_URL: string) => ({ ENVIRONMENT: "development", PUBLIC_BASE_URL });

describe("publicBaseUrl", () => {
  it("is the configured https URL, without a trailing slash", () => {
    expect(publicBaseUrl(production("https://auth.example.com/"))).toBe("https://auth.example.com");
    expect(publicBaseUrl(production("https://example.com/auth/"))).toBe("https://example.com/auth");
  });

  it("is required outside development", () => {
    expect(() => publicBaseUrl(production(""))).toThrow(Misconfigured);
    expect(() => publicBaseUrl({ ENVIRONMENT: "", PUBLIC_BASE_URL: "" })).toThrow(/PUBLIC_BASE_URL is required outside development/);
  });

  it("defaults to the wrangler dev address in development, and takes the configured one there too", () => {
    expect(publicBaseUrl(development(""))).toBe(DEVELOPMENT_BASE_URL);
    expect(DEVELOPMENT_BASE_URL).toBe("http://localhost:8787");
    expect(publicBaseUrl(development("http://localhost:9000"))).toBe("http://localhost:9000");
  });

  it("must be https outside development", () => {
    expect(() => publicBaseUrl(production("http://auth.example.com"))).toThrow(/must be https outside development/);
  });

  it("refuses userinfo, a query, a fragment, other schemes and non-URLs", () => {
    for (const bad of ["https://user:pw@auth.example.com", "https://bank.example@evil.example", "https://a.example/?x=1", "https://a.example/#f", "ftp://a.example", "auth.example.com"]) {
      expect(() => publicBaseUrl(production(bad)), bad).toThrow(Misconfigured);
    }
  });
});
