import { describe, expect, it } from "vitest";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { USER_OBJECT_ATTEMPTS, mayRetry, retryDelayMs } from "../../src/user-object/call-policy";
import { isIdempotent } from "../../src/user-object/stub";

/** An error as the platform raises it, with its flags. */
const platformError = (flags: { retryable?: boolean; overloaded?: boolean }) => Object.assign(new Error("Durable Object error"), flags);

describe("retrying a call to the user's object", () => {
  it("retries an error the platform marks retryable, on an idempotent call", () => {
    expect(mayRetry(platformError({ retryable: true }), true, 1)).toBe(true);
  });
  it("never retries an overloaded object, even when marked retryable", () => {
    expect(mayRetry(platformError({ retryable: true, overloaded: true }), true, 1)).toBe(false);
  });
  it("never retries an error without the retryable mark, such as one the object's own code threw", () => {
    expect(mayRetry(platformError({}), true, 1)).toBe(false);
    expect(mayRetry(Object.assign(new Error("x"), { remote: true }), true, 1)).toBe(false);
    expect(mayRetry("not an error", true, 1)).toBe(false);
  });
  it("never retries a call that is not idempotent", () => {
    expect(mayRetry(platformError({ retryable: true }), false, 1)).toBe(false);
  });
  it(`stops after ${USER_OBJECT_ATTEMPTS} attempts`, () => {
    expect(mayRetry(platformError({ retryable: true }), true, USER_OBJECT_ATTEMPTS - 1)).toBe(true);
    expect(mayRetry(platformError({ retryable: true }), true, USER_OBJECT_ATTEMPTS)).toBe(false);
  });
  it("backs off exponentially with bounded jitter", () => {
    expect([retryDelayMs(1, 0), retryDelayMs(2, 0)]).toEqual([25, 50]);
    expect(retryDelayMs(2, 0.999)).toBeLessThan(75);
  });
});

describe("which calls are idempotent", () => {
  const policy = POLICY_DEFAULTS;
  it("a reset's password change, which carries its code's id; not Change Password's", () => {
    expect(isIdempotent("changePassword", [{ newPassword: "p", policy, expectedCredentialVersion: 1, codeId: "c" }])).toBe(true);
    expect(isIdempotent("changePassword", [{ newPassword: "p", policy, currentPassword: "q" }])).toBe(false);
  });
  it("not login, refresh (rotation) or initialize; reads, revocations of one session, status and delete are", () => {
    expect(isIdempotent("login", ["p", { applicationId: "a", tenantId: "t", clientId: "c", idleTtlSeconds: 1, absoluteTtlSeconds: 1 }, policy])).toBe(false);
    expect(isIdempotent("refresh", ["secret", "c"])).toBe(false);
    expect(isIdempotent("initialize", [null, "ACTIVE"])).toBe(false);
    expect(isIdempotent("sessionStatus", ["s"])).toBe(true);
    expect(isIdempotent("revokeSession", ["s"])).toBe(true);
    expect(isIdempotent("setStatus", ["INACTIVE"])).toBe(true);
    expect(isIdempotent("destroy", [])).toBe(true);
  });
});
