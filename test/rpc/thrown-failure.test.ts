// The one failure an RPC method throws instead of answering: one the service cannot name (a bug).
// Between two Workers a thrown Error keeps only its message (and not always its name), so the
// failure travels in the message and the caller reads it back with `rpcFailureOf`.
import { describe, expect, it } from "vitest";
import { rpcFailureOf } from "edge-password-reset/rpc";
import { failureResult } from "../../src/rpc/service-error";
import { Forbidden } from "../../src/auth/refusals";

const quiet = () => {};

describe("a failure the service cannot name", () => {
  it("is thrown with its status and code in the message, which rpcFailureOf reads back", () => {
    let thrown: unknown;
    try {
      failureResult(new TypeError("a bug"), quiet);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    // Only the message crosses a binding; the runtime prefixes it with the error's name.
    const crossed = new Error(`Error: ${(thrown as Error).message}`);
    expect(rpcFailureOf(crossed)).toEqual({ status: 500, code: "internal_error", message: "Internal error.", retryable: false, retryAfter: null });
    expect((thrown as Error).message).not.toContain("a bug");
  });

  it("a failure the service names is a result, not thrown", () => {
    expect(failureResult(new Forbidden("No."), quiet)).toEqual({
      ok: false,
      error: { status: 403, code: "forbidden", message: "No.", retryable: false, retryAfter: null },
    });
  });

  it("rpcFailureOf answers null for the platform's own errors and for a forged or broken message", () => {
    expect(rpcFailureOf(new Error("Network connection lost."))).toBeNull();
    expect(rpcFailureOf("PasswordResetServiceError {}")).toBeNull();
    expect(rpcFailureOf(new Error("PasswordResetServiceError {not json"))).toBeNull();
    expect(rpcFailureOf(new Error('PasswordResetServiceError {"status":"500","code":"x","message":"m","retryable":false}'))).toBeNull();
  });
});
