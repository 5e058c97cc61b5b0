// Configuration fails loudly: a missing or malformed secret gives one message naming the
// variable (never its value), and every request answers 503 `misconfigured`.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Misconfigured } from "../../src/config/misconfigured";
import { publicBaseUrl } from "../../src/config/public-origin";
import { serviceConfig } from "../../src/config/service-config";
import { call, callJson } from "../support/api";
import { TEST_SECRETS } from "../secrets";

const configWith = (overrides: Partial<Env>) => serviceConfig({ ...env, ...overrides });

const SECRET = "s3cr3t-value-that-must-never-be-logged-0123456789";

/** Each variable with values that must be refused, and the words the message must contain. */
const BAD: Record<string, { values: (string | undefined)[]; says: RegExp }> = {
  PASSWORD_PEPPER: { values: [undefined, "", SECRET, `p1:short`, `bad kid!:${SECRET}`, `p1:${SECRET},p1:${SECRET}2`], says: /PASSWORD_PEPPER/ },
  SECRET_HASH_KEY: { values: [undefined, "", SECRET, `h1:short`, `h1:${SECRET},h2`], says: /SECRET_HASH_KEY/ },
  JWT_SIGNING_KEY: {
    values: [
      undefined,
      "",
      SECRET,
      "[]",
      JSON.stringify({ kty: "EC", crv: "P-256", x: "a", y: "b", d: SECRET }),
      JSON.stringify({ ...JSON.parse(TEST_SECRETS.JWT_SIGNING_KEY), d: undefined }),
      JSON.stringify({ ...JSON.parse(TEST_SECRETS.JWT_SIGNING_KEY), d: SECRET, x: SECRET }),
    ],
    says: /JWT_SIGNING_KEY/,
  },
  TRUSTED_ISSUERS: {
    values: [
      SECRET,
      "{}",
      JSON.stringify([{ issuer: "https://idp.example", jwksUrl: "https://idp.example/jwks" }]),
      JSON.stringify([{ issuer: "https://idp.example", jwksUrl: "http://idp.example/jwks", applicationId: "a", permissions: [] }]),
      JSON.stringify([{ issuer: "https://idp.example", jwksUrl: "https://idp.example/jwks", applicationId: "a", permissions: ["root"] }]),
      JSON.stringify([{ issuer: publicBaseUrl(env), jwksUrl: "https://idp.example/jwks", applicationId: "a", permissions: [] }]),
    ],
    says: /TRUSTED_ISSUERS/,
  },
};

afterEach(() => vi.restoreAllMocks());

describe("service configuration", () => {
  it("accepts the test runtime's configuration", async () => {
    const config = await serviceConfig(env);
    expect(config.secretHashKeys.kids).toEqual(["h1"]);
    expect(config.passwordPeppers.kids).toEqual(["p1"]);
    expect(config.signingKeys.current.kid).toBe("test-es256-1");
  });

  for (const [variable, { values, says }] of Object.entries(BAD)) {
    it(`refuses a missing or malformed ${variable}, naming it and not its value`, async () => {
      for (const value of values) {
        const error = await configWith({ [variable]: value } as Partial<Env>).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, `${variable}=${value}`).toBeInstanceOf(Misconfigured);
        expect((error as Misconfigured).variable).toBe(variable);
        expect((error as Misconfigured).message).toMatch(says);
        expect((error as Misconfigured).message).not.toContain(SECRET);
      }
    });
  }

  it("takes a list of keys, current first, for PASSWORD_PEPPER and SECRET_HASH_KEY", async () => {
    const config = await configWith({ SECRET_HASH_KEY: `h2:${SECRET}2, h1:${SECRET}1`, PASSWORD_PEPPER: `p2:${SECRET}3,p1:${SECRET}4` });
    expect(config.secretHashKeys.kids).toEqual(["h2", "h1"]);
    expect(config.passwordPeppers.kids).toEqual(["p2", "p1"]);
  });
});

describe("a misconfigured service", () => {
  it("answers every request 503 misconfigured, naming the variable, never the value, and logs it once", async () => {
    const errors = vi.spyOn(console, "error");
    const broken = { SECRET_HASH_KEY: SECRET };
    const paths = ["/api/v1/users/zzzzzzzzzzzzzzzzzzzzzzzzzz", "/.well-known/jwks.json", "/api/v1/users/zzzzzzzzzzzzzzzzzzzzzzzzzy"];
    for (const path of paths) {
      const res = await callJson("GET", path, { token: TEST_SECRETS.ADMIN_TOKEN, env: broken });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ type: "base_error", code: "misconfigured", message: expect.stringContaining("SECRET_HASH_KEY") });
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }
    const logged = errors.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes("misconfigured"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("SECRET_HASH_KEY");
    expect(errors.mock.calls.flat().join(" ")).not.toContain(SECRET);
  });

  it("answers 503, not a 500 DataError, for a signing key that does not import", async () => {
    const jwk = { ...JSON.parse(TEST_SECRETS.JWT_SIGNING_KEY), x: "AAAA" };
    const res = await call("GET", "/.well-known/jwks.json", { env: { JWT_SIGNING_KEY: JSON.stringify(jwk) } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("misconfigured");
  });
});

describe("what a misconfiguration tells whom", () => {
  it("tells a caller without the admin token only that the service is misconfigured, and the admin which setting and why", async () => {
    const errors = vi.spyOn(console, "error");
    const broken = { SECRET_HASH_KEY: `h1:short` };
    for (const opts of [{}, { token: "some-client-token" }]) {
      const res = await callJson("GET", "/.well-known/jwks.json", { ...opts, env: broken });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe("misconfigured");
      expect(res.body.message).toMatch(/misconfigured/);
      expect(res.body.message).not.toMatch(/SECRET_HASH_KEY|entry|shorter/);
    }
    const admin = await callJson("GET", "/.well-known/jwks.json", { token: TEST_SECRETS.ADMIN_TOKEN, env: broken });
    expect(admin.status).toBe(503);
    expect(admin.body.message).toContain("SECRET_HASH_KEY entry 1 has a secret shorter than 32 characters");
    const logged = errors.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes("misconfigured"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("SECRET_HASH_KEY entry 1 has a secret shorter than 32 characters");
  });
});
