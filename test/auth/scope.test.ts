import { describe, expect, it } from "vitest";
import { grantedScope } from "../../src/auth/scope";

describe("grantedScope (RFC 6749 §3.3)", () => {
  const held = ["user:read", "tenant:read", "user:write"];

  it("grants everything held when no scope, or only spaces, is asked for", () => {
    expect(grantedScope(held, undefined)).toEqual(held);
    expect(grantedScope(held, "")).toEqual(held);
    expect(grantedScope(held, "  ")).toEqual(held);
  });

  it("grants the requested subset once each, in the holder's order", () => {
    expect(grantedScope(held, "user:write user:read user:read")).toEqual(["user:read", "user:write"]);
  });

  it("refuses a scope with anything not held, and matches case-sensitively", () => {
    expect(grantedScope(held, "user:read client:write")).toBeNull();
    expect(grantedScope(held, "USER:READ")).toBeNull();
  });
});
