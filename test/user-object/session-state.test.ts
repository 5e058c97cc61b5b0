import { describe, expect, it } from "vitest";
import { type CredentialRow, type SessionRow, judgeRefresh, sessionActive } from "../../src/user-object/session-state";

const credential: CredentialRow = { password_hash: "h", credential_version: 3, session_epoch: 7, refresh_epoch: 9 };
const session: SessionRow = {
  id: "s",
  application_id: "a",
  tenant_id: "t",
  epoch: 7,
  created_at: 1_000,
  last_used_at: 1_000,
  idle_ttl_ms: 500,
  absolute_expires_at: 10_000,
  revoked_at: null,
};
const token = { token_hash: "x", session_id: "s", epoch: 9, rotated_at: null, revoked_at: null };

describe("sessionActive", () => {
  it("holds within the idle and absolute lifetimes of the current epoch", () => {
    expect(sessionActive(session, credential, 1_499)).toBe(true);
  });
  it("ends when idle for the idle lifetime", () => {
    expect(sessionActive(session, credential, 1_500)).toBe(false);
  });
  it("ends at the absolute lifetime however recently used", () => {
    expect(sessionActive({ ...session, last_used_at: 9_999 }, credential, 10_000)).toBe(false);
  });
  it("ends when the epoch moved on (a password change or revoke-all) or when revoked", () => {
    expect(sessionActive(session, { ...credential, session_epoch: 8 }, 1_200)).toBe(false);
    expect(sessionActive({ ...session, revoked_at: 1_100 }, credential, 1_200)).toBe(false);
  });
});

describe("judgeRefresh", () => {
  it("rotates a fresh token of a live session", () => {
    expect(judgeRefresh(token, session, credential, 1_200)).toBe("ROTATE");
  });
  it("calls a rotated token presented again reuse, whatever else holds", () => {
    expect(judgeRefresh({ ...token, rotated_at: 1_100 }, session, credential, 1_200)).toBe("REUSED");
  });
  it("refuses tokens of an old refresh epoch, revoked tokens and dead sessions", () => {
    expect(judgeRefresh(token, session, { ...credential, refresh_epoch: 10 }, 1_200)).toBe("DEAD");
    expect(judgeRefresh({ ...token, revoked_at: 1_100 }, session, credential, 1_200)).toBe("DEAD");
    expect(judgeRefresh(token, session, credential, 1_600)).toBe("DEAD");
    expect(judgeRefresh(token, null, credential, 1_200)).toBe("DEAD");
  });
});
