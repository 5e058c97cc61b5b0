import { describe, expect, it } from "vitest";
import { createUser, world } from "../../support/fixtures";
import { adminLinkCode, reset } from "../../support/reset";
import { introspect, loginOk, refresh } from "../../support/sessions";

const ROUNDS = 50;
const SESSIONS_PER_ROUND = 3;
const REFRESHES_PER_SESSION = 4;

describe("refresh racing a reset", () => {
  it(`never yields a token that is active once the reset has answered (${ROUNDS} rounds)`, async () => {
    const w = await world();
    const user = await createUser(w, "race@example.com", "password 0000");
    let checked = 0;
    let rotated = 0;
    let refused = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const sessions = await Promise.all(
        Array.from({ length: SESSIONS_PER_ROUND }, () => loginOk(w, "race@example.com", `password ${String(round - 1).padStart(4, "0")}`)),
      );
      const code = await adminLinkCode(w, user.id);
      const issued: string[] = [];
      // Each session keeps rotating its refresh token while the reset runs.
      const chains = sessions.map(async (s) => {
        let token = s.refreshToken;
        issued.push(s.accessToken, s.refreshToken);
        for (let i = 0; i < REFRESHES_PER_SESSION; i++) {
          const r = await refresh(w, token);
          if (r.status !== 200) {
            refused++;
            break;
          }
          rotated++;
          issued.push(r.body.access_token, r.body.refresh_token);
          token = r.body.refresh_token;
        }
      });
      const answer = await reset(w.token, { passwordResetCode: code, newPassword: `password ${String(round).padStart(4, "0")}` });
      expect(answer.body.result).toBe("PASSWORD_UPDATED");
      await Promise.all(chains);
      for (const token of issued) {
        expect((await introspect(w, token)).active).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(ROUNDS * SESSIONS_PER_ROUND * 2);
    // The two really interleaved: some rotations landed before a reset, some were refused after.
    expect(rotated).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 180_000);
});
