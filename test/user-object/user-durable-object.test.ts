// The user's Durable Object class is its RPC surface and nothing else: each method hands over to
// the module of its concern (credential, lifecycle, login, sessions, refresh tokens, housekeeping),
// which the other files in this folder specify. Development-only code stays out of it.
import { describe, expect, it } from "vitest";
import type { UserObjectApi } from "../../src/user-object/stub";
import { UserDurableObject } from "../../src/user-object/user-durable-object";

/** Every RPC method, as stub.ts classifies them for retries; the compiler keeps this list whole. */
const RPC_METHODS: { [M in keyof UserObjectApi]: true } = {
  initialize: true,
  destroy: true,
  setStatus: true,
  credentialVersion: true,
  changePassword: true,
  login: true,
  refresh: true,
  refreshTokenStatus: true,
  sessionStatus: true,
  listSessions: true,
  revokeRefreshToken: true,
  revokeSession: true,
  revokeAllSessions: true,
  revokeAllRefreshTokens: true,
};

describe("the user's Durable Object class", () => {
  it("exposes exactly the RPC methods stub.ts knows, plus the alarm", () => {
    const own = Object.getOwnPropertyNames(UserDurableObject.prototype).filter((name) => name !== "constructor");
    expect(own.sort()).toEqual([...Object.keys(RPC_METHODS), "alarm"].sort());
  });

  it("does not carry the bench seeder, which only the development subclass has", () => {
    expect("seedForBench" in UserDurableObject.prototype).toBe(false);
  });
});
