// One HKDF subkey per purpose and per key id; stored hashes name their key.
import { describe, expect, it } from "vitest";
import { Keyring } from "../../src/crypto/keyring";

const K1 = { kid: "h1", secret: "keyring-test-secret-number-one-0123" };
const K2 = { kid: "h2", secret: "keyring-test-secret-number-two-0123" };

describe("a keyring", () => {
  it("derives a separate key per purpose: the same value hashes differently for each", async () => {
    const keys = new Keyring([K1]);
    const purposes = ["reset-code", "otp", "subject", "client-secret", "refresh-token", "password-pepper", "form-token"] as const;
    const hashes = await Promise.all(purposes.map((p) => keys.hash(p, "same value")));
    expect(new Set(hashes).size).toBe(purposes.length);
    for (const h of hashes) expect(h).toMatch(/^h1:[A-Za-z0-9_-]{43}$/);
  });

  it("is not the plain HMAC of the secret (the key is derived, not the secret itself)", async () => {
    const raw = await crypto.subtle.importKey("raw", new TextEncoder().encode(K1.secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const plain = new Uint8Array(await crypto.subtle.sign("HMAC", raw, new TextEncoder().encode("value")));
    const derived = await new Keyring([K1]).mac("reset-code", "value");
    expect(derived).not.toEqual(plain);
  });

  it("hashes under the current key, and looks up under every key, current first", async () => {
    const rotated = new Keyring([K2, K1]);
    expect((await rotated.hash("reset-code", "v")).startsWith("h2:")).toBe(true);
    const all = await rotated.hashes("reset-code", "v");
    expect(all.map((h) => h.split(":")[0])).toEqual(["h2", "h1"]);
    expect(all[1]).toBe(await new Keyring([K1]).hash("reset-code", "v"));
  });

  it("verifies a hash made under an older key and calls it stale; a retired key never verifies", async () => {
    const old = await new Keyring([K1]).hash("client-secret", "s3cret");
    expect(await new Keyring([K2, K1]).verify("client-secret", "s3cret", old)).toEqual({ valid: true, stale: true });
    expect(await new Keyring([K2, K1]).verify("client-secret", "wrong", old)).toEqual({ valid: false, stale: false });
    expect(await new Keyring([K2]).verify("client-secret", "s3cret", old)).toEqual({ valid: false, stale: false });
    const fresh = await new Keyring([K2, K1]).hash("client-secret", "s3cret");
    expect(await new Keyring([K2, K1]).verify("client-secret", "s3cret", fresh)).toEqual({ valid: true, stale: false });
  });
});
