// `npm run secrets` (scripts/secrets.mjs): fresh values for every secret, in the format the
// service parses, so a deployment that follows the README's walk-through does not answer 503.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseAdminTokens } from "../../src/config/admin-token";
import { serviceConfig } from "../../src/config/service-config";
import readme from "../../README.md?raw";
import { SECRET_NAMES, productionSecrets } from "../../scripts/production-secrets.mjs";

describe("npm run secrets", () => {
  it("makes a value for every secret that the service configuration accepts", async () => {
    const secrets = await productionSecrets();
    expect(Object.keys(secrets).sort()).toEqual([...SECRET_NAMES].sort());
    const config = await serviceConfig({ ...env, ...secrets, ENVIRONMENT: "production", PUBLIC_BASE_URL: "https://auth.example" });
    expect(parseAdminTokens(secrets.ADMIN_TOKEN)).toEqual([secrets.ADMIN_TOKEN]);
    expect(config.passwordPeppers.kids).toEqual(["p1"]);
    expect(config.secretHashKeys.kids).toEqual(["h1"]);
    expect(config.signingKeys.current.kid).toBe(JSON.parse(secrets.JWT_SIGNING_KEY).kid);
    expect(config.signingKeys.publicJwks[0]).not.toHaveProperty("d");
  });

  it("makes new values each time", async () => {
    const [a, b] = await Promise.all([productionSecrets(), productionSecrets()]);
    for (const name of SECRET_NAMES) expect(a[name]).not.toBe(b[name]);
  });
});

describe("README production walk-through", () => {
  const walkThrough = readme.slice(readme.indexOf("## Production walk-through"), readme.indexOf("## Operating it"));

  it("never sets a key list to a bare random value (it needs its kid: prefix)", () => {
    expect(readme).not.toMatch(/openssl rand[^\n|]*\|\s*npx wrangler secret put (PASSWORD_PEPPER|SECRET_HASH_KEY)/);
  });

  it("sets the secrets from npm run secrets, and creates the database and both queues", () => {
    expect(walkThrough).toMatch(/npm run --silent secrets/);
    expect(walkThrough).toMatch(/wrangler secret bulk/);
    expect(walkThrough).toContain("npx wrangler d1 create edge-password-reset");
    expect(walkThrough).toContain("npx wrangler queues create edge-password-reset-email\n");
    expect(walkThrough).toContain("npx wrangler queues create edge-password-reset-email-dlq");
  });
});
