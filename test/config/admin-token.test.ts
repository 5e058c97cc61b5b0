// ADMIN_TOKEN is the admin API's concern only: a malformed one takes down the admin calls (503
// misconfigured), never the public endpoints. It is a list, current first, so it can rotate with
// an overlap; every listed token is compared, in constant time, whichever matches.
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseAdminTokens } from "../../src/config/admin-token";
import { Misconfigured } from "../../src/config/misconfigured";
import { ADMIN, callJson, call } from "../support/api";
import { clientTokenUnder, world } from "../support/fixtures";
import { PageClient } from "../support/page-client";

const NEW = "rotated-admin-token-0123456789abcdefgh";
const SECRET = "s3cr3t-value-that-must-never-be-logged-0123456789";

afterEach(() => vi.restoreAllMocks());

describe("ADMIN_TOKEN parsing", () => {
  it("refuses a missing or malformed ADMIN_TOKEN, naming it and not its value", () => {
    for (const value of [undefined, "", "short", `${SECRET} with spaces`, `${SECRET},short`, `${SECRET},`, `${SECRET},${SECRET}`]) {
      let error: unknown = null;
      try {
        parseAdminTokens(value);
      } catch (e) {
        error = e;
      }
      expect(error, `ADMIN_TOKEN=${value}`).toBeInstanceOf(Misconfigured);
      expect((error as Misconfigured).variable).toBe("ADMIN_TOKEN");
      expect((error as Misconfigured).message).not.toContain(SECRET);
    }
  });

  it("takes a comma-separated list, current first", () => {
    expect(parseAdminTokens(`${NEW},${ADMIN}`)).toEqual([NEW, ADMIN]);
    expect(parseAdminTokens(` ${NEW} , ${ADMIN} `)).toEqual([NEW, ADMIN]);
    expect(parseAdminTokens(ADMIN)).toEqual([ADMIN]);
  });
});

describe("rotating ADMIN_TOKEN with an overlap", () => {
  it("accepts every listed token and refuses one that is not listed", async () => {
    const w = await world("admin-token-overlap");
    const path = `/api/v1/applications/${w.applicationId}`;
    const overlap = { ADMIN_TOKEN: `${NEW},${ADMIN}` };
    expect((await callJson("GET", path, { token: NEW, env: overlap })).status).toBe(200);
    expect((await callJson("GET", path, { token: ADMIN, env: overlap })).status).toBe(200);
    const retired = { ADMIN_TOKEN: NEW };
    expect((await callJson("GET", path, { token: ADMIN, env: retired })).status).toBe(401);
  });

  it("compares the presented token with every listed one, whichever matches", async () => {
    const w = await world("admin-token-compare");
    const list = { ADMIN_TOKEN: `${NEW},${ADMIN},third-admin-token-0123456789abcdefgh` };
    const counts: number[] = [];
    for (const token of [NEW, ADMIN, "not-a-listed-admin-token-0123456789abc"]) {
      const compare = vi.spyOn(crypto.subtle, "timingSafeEqual");
      await callJson("GET", `/api/v1/applications/${w.applicationId}`, { token, env: list });
      counts.push(compare.mock.calls.length);
      compare.mockRestore();
    }
    expect(counts[0]).toBeGreaterThanOrEqual(3);
    expect(new Set(counts).size).toBe(1);
  });
});

describe("a malformed ADMIN_TOKEN", () => {
  const broken = { ADMIN_TOKEN: "short" };

  it("leaves JWKS, /oauth2/token, the hosted pages and client-token calls working", async () => {
    const w = await world("admin-token-blast");
    const jwks = await callJson("GET", "/.well-known/jwks.json", { env: broken });
    expect(jwks.status).toBe(200);
    const token = await clientTokenUnder(broken, w.clientId, w.clientSecret);
    const tenant = await callJson("GET", `/api/v1/tenants/${w.tenantId}`, { token, env: broken });
    expect(tenant.status).toBe(200);
    const page = await new PageClient({}, broken).get(`/forgot-password?tenantId=${w.tenantId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("formToken");
  });

  it("answers admin-token calls 503 misconfigured, saying only that, and logs the variable once", async () => {
    const w = await world("admin-token-503");
    const errors = vi.spyOn(console, "error");
    for (const token of [ADMIN, "short"]) {
      const res = await callJson("GET", `/api/v1/applications/${w.applicationId}`, { token, env: broken });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe("misconfigured");
      expect(res.body.message).not.toMatch(/ADMIN_TOKEN|32|character/);
    }
    const logged = errors.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes("misconfigured"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("ADMIN_TOKEN");
    expect(logged[0]).toContain("shorter than 32 characters");
  });

  it("still refuses a token that is neither an access token nor the admin token where the admin may not call", async () => {
    const w = await world("admin-token-401");
    const res = await call("GET", `/api/v1/applications/${w.applicationId}/email-deliveries`, { token: "not-a-token", env: broken });
    expect(res.status).toBe(401);
  });
});
