import { describe, expect, it } from "vitest";
import type { CredentialRow, SessionRow } from "../../src/user-object/schema";
import { REFRESH_GRACE_MS, judgeRefresh, sessionActive } from "../../src/user-object/session-state";

const credential: CredentialRow = { id: 1, status: "ACTIVE", passwordHash: "h", credentialVersion: 3, sessionEpoch: 7, refreshEpoch: 9, updatedAt: 0, changedByCode: null };
const session: SessionRow = {
  id: "s",
  applicationId: "a",
  tenantId: "t",
  epoch: 7,
  createdAt: 1_000,
  lastUsedAt: 1_000,
  idleTtlMs: 500,
  absoluteExpiresAt: 10_000,
  revokedAt: null,
};
const token = { tokenHash: "x", sessionId: "s", epoch: 9, createdAt: 1_000, rotatedAt: null, revokedAt: null };

describe("sessionActive", () => {
  it("holds within the idle and absolute lifetimes of the current epoch", () => {
    expect(sessionActive(session, credential, 1_499)).toBe(true);
  });
  it("ends when idle for the idle lifetime", () => {
    expect(sessionActive(session, credential, 1_500)).toBe(false);
  });
  it("ends at the absolute lifetime however recently used", () => {
    expect(sessionActive({ ...session, lastUsedAt: 9_999 }, credential, 10_000)).toBe(false);
  });
  it("ends when the epoch moved on (a password change or revoke-all) or when revoked", () => {
    expect(sessionActive(session, { ...credential, sessionEpoch: 8 }, 1_200)).toBe(false);
    expect(sessionActive({ ...session, revokedAt: 1_100 }, credential, 1_200)).toBe(false);
  });
});

describe("judgeRefresh", () => {
  it("rotates a fresh token of a live session", () => {
    expect(judgeRefresh(token, null, session, credential, 1_200)).toBe("ROTATE");
  });
  it("allows a rotated token again while its successor is unused, up to REFRESH_GRACE_MS after the rotation", () => {
    const rotated = { ...token, rotatedAt: 1_100 };
    const live = { ...session, idleTtlMs: 10 * REFRESH_GRACE_MS, absoluteExpiresAt: 100 * REFRESH_GRACE_MS };
    expect(judgeRefresh(rotated, token, live, credential, 1_100 + REFRESH_GRACE_MS)).toBe("GRACE");
    expect(judgeRefresh(rotated, token, live, credential, 1_101 + REFRESH_GRACE_MS)).toBe("REUSED");
  });
  it("calls it reuse once the successor was used or revoked, and when the family is dead (a reset)", () => {
    const rotated = { ...token, rotatedAt: 1_100 };
    expect(judgeRefresh(rotated, { ...token, rotatedAt: 1_150 }, session, credential, 1_200)).toBe("REUSED");
    expect(judgeRefresh(rotated, { ...token, revokedAt: 1_150 }, session, credential, 1_200)).toBe("REUSED");
    expect(judgeRefresh(rotated, token, session, { ...credential, refreshEpoch: 10 }, 1_200)).toBe("REUSED");
    expect(judgeRefresh(rotated, token, session, { ...credential, sessionEpoch: 8 }, 1_200)).toBe("REUSED");
  });
  it("calls a rotated token presented again reuse, whatever else holds", () => {
    expect(judgeRefresh({ ...token, rotatedAt: 1_100 }, null, session, credential, 1_200)).toBe("REUSED");
  });
  it("refuses tokens of an old refresh epoch, revoked tokens and dead sessions", () => {
    expect(judgeRefresh(token, null, session, { ...credential, refreshEpoch: 10 }, 1_200)).toBe("DEAD");
    expect(judgeRefresh({ ...token, revokedAt: 1_100 }, null, session, credential, 1_200)).toBe("DEAD");
    expect(judgeRefresh(token, null, session, credential, 1_600)).toBe("DEAD");
    expect(judgeRefresh(token, null, null, credential, 1_200)).toBe("DEAD");
  });
});
