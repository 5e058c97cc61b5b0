import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { Keyring } from "../../src/crypto/keyring";
import {
  PBKDF2_ITERATIONS,
  WORKERS_PBKDF2_MAX_ITERATIONS,
  hashPassword,
  parsePasswordHash,
  verifyPassword,
} from "../../src/crypto/password-hash";
import { rawFormHash } from "../support/legacy-hash";

const P1 = { kid: "p1", secret: "pepper-for-password-hash-tests-0001" };
const P2 = { kid: "p2", secret: "pepper-for-password-hash-tests-0002" };
const PEPPER = new Keyring([P1]);

describe("password hashing", () => {
  it("verifies the password it hashed, with current parameters needing no rehash", async () => {
    const stored = await hashPassword("correct horse battery staple", PEPPER);
    expect(await verifyPassword("correct horse battery staple", stored, PEPPER)).toEqual({ valid: true, needsRehash: false });
  });

  it("rejects a wrong password", async () => {
    const stored = await hashPassword("correct horse battery staple", PEPPER);
    expect((await verifyPassword("correct horse battery stapler", stored, PEPPER)).valid).toBe(false);
    expect((await verifyPassword("", stored, PEPPER)).valid).toBe(false);
  });

  it("does not verify under a different pepper with the same kid", async () => {
    const stored = await hashPassword("correct horse battery staple", PEPPER);
    const other = new Keyring([{ kid: "p1", secret: `${P1.secret}-other` }]);
    expect((await verifyPassword("correct horse battery staple", stored, other)).valid).toBe(false);
  });

  it("stores a self-describing string: scheme, version, pepper kid, iterations, salt, hash", async () => {
    const stored = await hashPassword("pw", PEPPER);
    expect(stored).toMatch(/^\$pbkdf2-sha256\$v=2\$k=p1\$i=100000\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    const params = parsePasswordHash(stored)!;
    expect(params).toMatchObject({ version: 2, kid: "p1", iterations: 100_000 });
    expect(params.hash.byteLength).toBe(32);
  });

  it("salts every hash with 16 fresh random bytes, so equal passwords hash differently", async () => {
    const [a, b] = await Promise.all([hashPassword("same password", PEPPER), hashPassword("same password", PEPPER)]);
    expect(a).not.toBe(b);
    const saltA = base64url.decode(a.split("$")[5]!);
    const saltB = base64url.decode(b.split("$")[5]!);
    expect(saltA.byteLength).toBe(16);
    expect(saltB.byteLength).toBe(16);
    expect(saltA).not.toEqual(saltB);
  });

  describe("the production Workers PBKDF2 limit", () => {
    it("is pinned at 100,000 iterations and the default stays within it", () => {
      expect(WORKERS_PBKDF2_MAX_ITERATIONS).toBe(100_000);
      expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(WORKERS_PBKDF2_MAX_ITERATIONS);
    });

    it("refuses to hash with more iterations than production Workers allow", async () => {
      await expect(hashPassword("pw", PEPPER, 100_001)).rejects.toThrow();
    });
  });

  it("still verifies a hash made with older parameters, and asks for a rehash", async () => {
    const old = await hashPassword("legacy password", PEPPER, 1000);
    expect(old).toContain("$i=1000$");
    expect(await verifyPassword("legacy password", old, PEPPER)).toEqual({ valid: true, needsRehash: true });
    expect((await verifyPassword("wrong", old, PEPPER)).valid).toBe(false);
  });

  describe("pepper rotation", () => {
    it("verifies a hash under the previous pepper and asks for a rehash; the rehash names the new kid", async () => {
      const old = await hashPassword("rotated password", PEPPER);
      const rotated = new Keyring([P2, P1]);
      expect(await verifyPassword("rotated password", old, rotated)).toEqual({ valid: true, needsRehash: true });
      const fresh = await hashPassword("rotated password", rotated);
      expect(parsePasswordHash(fresh)?.kid).toBe("p2");
      expect(await verifyPassword("rotated password", fresh, rotated)).toEqual({ valid: true, needsRehash: false });
    });

    it("never verifies a hash under a pepper that is no longer configured", async () => {
      const old = await hashPassword("retired pepper", PEPPER);
      expect(await verifyPassword("retired pepper", old, new Keyring([P2]))).toEqual({ valid: false, needsRehash: false });
    });
  });

  describe("Unicode normalisation (NFKC)", () => {
    // U+FB01 is the ligature "ﬁ"; U+FF41 is a full-width "a". NFKC turns them into "fi" and "a".
    const TYPED = "\uFB01ve \uFF41pples a day";
    const NORMALISED = "five apples a day";

    it("hashes the NFKC form, so the same password typed either way verifies", async () => {
      const stored = await hashPassword(TYPED, PEPPER);
      expect(await verifyPassword(NORMALISED, stored, PEPPER)).toEqual({ valid: true, needsRehash: false });
      expect(await verifyPassword(TYPED, stored, PEPPER)).toEqual({ valid: true, needsRehash: false });
    });

    it("still verifies a hash made before normalisation from the raw form, once, and asks for a rehash", async () => {
      const legacy = await rawFormHash(TYPED, PEPPER);
      expect(await verifyPassword(TYPED, legacy, PEPPER)).toEqual({ valid: true, needsRehash: true });
      expect((await verifyPassword("\uFB01ve \uFF41pples a week", legacy, PEPPER)).valid).toBe(false);
    });
  });

  describe("malformed stored strings verify false, never throw", () => {
    // A well-formed 16-byte salt and 32-byte hash, to build near-misses from.
    const SALT = "6JG1spplQH8O1DxKF4n-Ew";
    const HASH = "oeQOkmRI4L4DNLunPP_eWQE06_A4faC4B-7Z0SFo6Vc";
    const cases: [string, string][] = [
      ["an empty string", ""],
      ["a plaintext password", "pw"],
      ["another scheme", `$argon2id$v=19$m=65536,t=3,p=4$${SALT}$${HASH}`],
      ["an unknown version", `$pbkdf2-sha256$v=3$k=p1$i=1000$${SALT}$${HASH}`],
      ["the retired version 1, without a pepper kid", `$pbkdf2-sha256$v=1$i=1000$${SALT}$${HASH}`],
      ["a missing iteration count", `$pbkdf2-sha256$v=2$k=p1$${SALT}$${HASH}`],
      ["a missing hash", `$pbkdf2-sha256$v=2$k=p1$i=1000$${SALT}`],
      ["non-base64url characters", `$pbkdf2-sha256$v=2$k=p1$i=1000$${SALT}$${HASH.replace("_", "/")}`],
      ["trailing garbage", `$pbkdf2-sha256$v=2$k=p1$i=1000$${SALT}$${HASH}$extra`],
      ["zero iterations", `$pbkdf2-sha256$v=2$k=p1$i=0$${SALT}$${HASH}`],
      ["an undecodable salt", `$pbkdf2-sha256$v=2$k=p1$i=1000$A$${HASH}`],
      ["an undecodable hash", `$pbkdf2-sha256$v=2$k=p1$i=1000$${SALT}$A`],
    ];
    for (const [name, stored] of cases) {
      it(`${name}`, async () => {
        expect((await verifyPassword("pw", stored, PEPPER)).valid).toBe(false);
      });
    }
  });
});
