// The pure password rules: lengths in code points and in bytes, both of the NFKC form that is
// hashed, no password that contains the local part of the user's email, and `breached` where the
// breached-password check (src/workflows/breached-password.ts) found it.
import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_BYTES, passwordViolations } from "../../src/policy/password-rules";

const POLICY = { passwordMinLength: 8, passwordMaxLength: 256 };
const WIDE = { passwordMinLength: 8, passwordMaxLength: 1024 };

describe("length in code points", () => {
  it("counts the NFKC form that is hashed: a ligature is two letters", () => {
    // U+FB01 LATIN SMALL LIGATURE FI is one code point typed, two ("fi") hashed.
    expect(passwordViolations("\uFB01\uFB01\uFB01\uFB01", POLICY, "someone@example.com")).toEqual([]);
    expect(passwordViolations("\uFB01\uFB01\uFB01", POLICY, "someone@example.com")).toEqual([
      { code: "too_short", constraintAttributes: { min: 8 } },
    ]);
  });

  it("catches a password that NFKC expands beyond the maximum", () => {
    // U+FDFA is one code point that NFKC turns into 18.
    const password = "\uFDFA".repeat(15);
    expect([...password].length).toBeLessThan(256);
    expect(passwordViolations(password, POLICY, "someone@example.com")).toEqual([
      { code: "too_long", constraintAttributes: { max: 256 } },
    ]);
  });
});

describe("length in bytes", () => {
  it(`is capped at ${PASSWORD_MAX_BYTES} bytes of UTF-8 whatever the policy allows in code points`, () => {
    expect(PASSWORD_MAX_BYTES).toBe(1024);
    const euro = "\u20AC"; // 3 bytes in UTF-8
    expect(passwordViolations(euro.repeat(341), WIDE, "someone@example.com")).toEqual([]);
    expect(passwordViolations(euro.repeat(342), WIDE, "someone@example.com")).toEqual([
      { code: "too_long", constraintAttributes: { maxBytes: 1024 } },
    ]);
    expect(passwordViolations("x".repeat(1024), WIDE, "someone@example.com")).toEqual([]);
  });

  it("never bites before the default maximum of 256 code points, even at 4 bytes each", () => {
    expect(passwordViolations("\u{1F511}".repeat(256), POLICY, "someone@example.com")).toEqual([]);
  });
});

describe("contains_email", () => {
  const CONTAINS_EMAIL = { code: "contains_email", constraintAttributes: {} };

  it("rejects a password containing the email's local part, in any case", () => {
    expect(passwordViolations("my Jane.Doe password", POLICY, "jane.doe@example.com")).toEqual([CONTAINS_EMAIL]);
    expect(passwordViolations("JANE.DOE2026!", POLICY, "Jane.Doe@Example.com")).toEqual([CONTAINS_EMAIL]);
  });

  it("rejects the local part without its +tag too", () => {
    expect(passwordViolations("jane.doe-rules-ok", POLICY, "jane.doe+news@example.com")).toEqual([CONTAINS_EMAIL]);
  });

  it("compares NFKC forms: full-width letters are the same letters", () => {
    expect(passwordViolations("\uFF4A\uFF41\uFF4E\uFF45 secret one", POLICY, "jane@example.com")).toEqual([CONTAINS_EMAIL]);
  });

  it("accepts a password that does not contain it", () => {
    expect(passwordViolations("correct horse battery staple", POLICY, "jane.doe@example.com")).toEqual([]);
  });

  it("ignores a local part shorter than 3 characters, which would forbid too much", () => {
    expect(passwordViolations("a perfectly good password", POLICY, "a@example.com")).toEqual([]);
    expect(passwordViolations("jo's good password", POLICY, "jo@example.com")).toEqual([]);
  });

  it("is reported with a length violation when both apply", () => {
    expect(passwordViolations("jane", POLICY, "jane@example.com")).toEqual([
      { code: "too_short", constraintAttributes: { min: 8 } },
      CONTAINS_EMAIL,
    ]);
  });
});

describe("breached", () => {
  const BREACHED = { code: "breached", constraintAttributes: {} };

  it("is reported when the check found the password, after the other rules it breaks", () => {
    expect(passwordViolations("correct horse battery staple", POLICY, "jane@example.com", true)).toEqual([BREACHED]);
    expect(passwordViolations("jane", POLICY, "jane@example.com", true)).toEqual([
      { code: "too_short", constraintAttributes: { min: 8 } },
      { code: "contains_email", constraintAttributes: {} },
      BREACHED,
    ]);
  });

  it("is not reported unless the check found it", () => {
    expect(passwordViolations("correct horse battery staple", POLICY, "jane@example.com")).toEqual([]);
  });
});
