import { base64url } from "jose";
import { describe, expect, it } from "vitest";
import { secretsEqual } from "../../src/crypto/constant-time";
import { ID_LENGTH, newId, randomDigits, randomToken } from "../../src/crypto/random";

describe("newId", () => {
  it("is 26 lowercase alphanumeric characters", () => {
    expect(ID_LENGTH).toBe(26);
    for (let i = 0; i < 100; i++) expect(newId()).toMatch(/^[a-z0-9]{26}$/);
  });

  it("never repeats over 1000 draws, and uses the whole alphabet", () => {
    const ids = Array.from({ length: 1000 }, newId);
    expect(new Set(ids).size).toBe(1000);
    expect(new Set(ids.join("")).size).toBe(36);
  });
});

describe("randomToken", () => {
  it("encodes the requested number of random bytes as unpadded base64url", () => {
    const token = randomToken(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(base64url.decode(token).byteLength).toBe(32);
    expect(base64url.decode(randomToken(16)).byteLength).toBe(16);
  });

  it("defaults to 256 bits and differs each time", () => {
    expect(base64url.decode(randomToken()).byteLength).toBe(32);
    expect(randomToken()).not.toBe(randomToken());
  });
});

describe("randomDigits", () => {
  it.each([1, 6, 8, 10, 64])("gives exactly %i decimal digits", (n) => {
    expect(randomDigits(n)).toMatch(new RegExp(`^[0-9]{${n}}$`));
  });

  it("keeps leading zeros and uses every digit", () => {
    const digits = randomDigits(2000);
    expect(digits).toHaveLength(2000);
    expect(new Set(digits).size).toBe(10);
  });
});

describe("secretsEqual", () => {
  it("is true for equal secrets, as strings or bytes", () => {
    expect(secretsEqual("s3cret-value", "s3cret-value")).toBe(true);
    expect(secretsEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(secretsEqual("abc", new TextEncoder().encode("abc"))).toBe(true);
    expect(secretsEqual("", "")).toBe(true);
  });

  it("is false for unequal secrets of the same length", () => {
    expect(secretsEqual("s3cret-value", "s3cret-valuf")).toBe(false);
    expect(secretsEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
  });

  it("is false for secrets of different lengths, including a prefix", () => {
    expect(secretsEqual("s3cret", "s3cret-value")).toBe(false);
    expect(secretsEqual("s3cret-value", "")).toBe(false);
  });
});
