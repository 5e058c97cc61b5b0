// A read replica that lags never lets a dead code through, and never hides a fresh one (issue 17
// items 1 and 2). The Worker runs with a DB binding whose replica sessions read a real second D1
// database holding a copy taken at a chosen moment (test/support/lagging-replica.ts): what the
// replica shows is exactly the rows of that moment. The user's object is the authority that
// refuses what the replica has not seen die.
import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../../support/api";
import { createUser, world } from "../../support/fixtures";
import { type LaggingReplica, laggingReplica } from "../../support/lagging-replica";
import { PageClient, formTokenOf } from "../../support/page-client";
import { REPEATED_EMAILS, RESET, adminLinkCode, emailAuthCode, reset, setStrategy } from "../../support/reset";
import { login, loginOk } from "../../support/sessions";

const OLD = "old password 1";
const GOOD = "a new good password";

let replica: LaggingReplica;
beforeAll(async () => {
  replica = await laggingReplica();
});

/** Reset Password through the Worker whose replica reads see the last snapshot. */
function resetViaReplica(token: string, body: Record<string, unknown>) {
  return callJson("POST", RESET, { token, body, env: replica.bindings });
}

/** Reads of a code at the primary so far (findCode's join). */
const codeReadsAtPrimary = () => replica.atPrimary.filter((q) => /^select .* from "reset_codes"/is.test(q)).length;

/** A user's two email links, the replica's copy taken between them: it shows the first open. */
async function supersededEmailLink(email: string) {
  const w = await world();
  await setStrategy(w, "LINK", REPEATED_EMAILS);
  await createUser(w, email, OLD);
  const first = await emailAuthCode(w, email, 1);
  await replica.snapshot();
  return { w, first, second: await emailAuthCode(w, email, 2) };
}

describe("a lagging replica never lets a dead code through", () => {
  it("a superseded email link: the replica still shows it open, the user's object refuses it", async () => {
    const { w, first, second } = await supersededEmailLink("lag-email@example.com");
    expect((await resetViaReplica(w.token, { emailAuthCode: first, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "lag-email@example.com", OLD)).body.result).toBe("SUCCESS");
    // The newer request's code is not on the replica: found at the primary, and it works.
    expect((await resetViaReplica(w.token, { emailAuthCode: second, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("a superseded email link on the hosted page: the replica shows the form, the POST changes nothing", async () => {
    const { w, first } = await supersededEmailLink("lag-page@example.com");
    const browser = new PageClient({}, replica.bindings);
    const form = await browser.follow(await browser.get(`/reset-password?emailAuthCode=${first}`));
    expect(form.html).toContain('name="formToken"'); // the stale replica still shows the code open
    const post = await browser.post("/reset-password", { formToken: formTokenOf(form.html), newPassword: GOOD, confirmPassword: GOOD });
    expect(post.html).not.toContain("Your password is changed");
    expect((await login(w, "lag-page@example.com", OLD)).body.result).toBe("SUCCESS");
  });

  it("a superseded admin link: refused, though the replica shows it open", async () => {
    const w = await world();
    const user = await createUser(w, "lag-admin@example.com", OLD);
    const first = await adminLinkCode(w, user.id);
    await replica.snapshot();
    const second = await adminLinkCode(w, user.id);
    expect((await resetViaReplica(w.token, { passwordResetCode: first, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect((await resetViaReplica(w.token, { passwordResetCode: second, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("a spent code: the replica has not seen it consumed, the credential version refuses it", async () => {
    const w = await world();
    await createUser(w, "lag-spent@example.com", OLD);
    const code = await emailAuthCode(w, "lag-spent@example.com");
    await replica.snapshot();
    expect((await reset(w.token, { emailAuthCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect((await resetViaReplica(w.token, { emailAuthCode: code, newPassword: "another good password" })).body).toEqual({ result: "INVALID_CODE" });
    expect((await login(w, "lag-spent@example.com", GOOD)).body.result).toBe("SUCCESS");
  });

  it("a retired code (Change Password retired the user's open codes): refused", async () => {
    const w = await world();
    const user = await createUser(w, "lag-retired@example.com", OLD);
    const code = await emailAuthCode(w, "lag-retired@example.com");
    await replica.snapshot();
    const session = await loginOk(w, "lag-retired@example.com", OLD);
    const changed = await callJson("POST", "/api/v1/change-password", { token: session.accessToken, body: { userId: user.id, currentPassword: OLD, newPassword: GOOD } });
    expect(changed.body.result).toBe("PASSWORD_UPDATED");
    expect((await resetViaReplica(w.token, { emailAuthCode: code, newPassword: "another good password" })).body).toEqual({ result: "INVALID_CODE" });
  });

  it("a code of another application: INVALID_CODE from the replica's row, and no fallback to the primary", async () => {
    const mine = await world("lag-mine");
    const theirs = await world("lag-theirs");
    await createUser(mine, "lag-tenant@example.com", OLD);
    const code = await emailAuthCode(mine, "lag-tenant@example.com");
    await replica.snapshot();
    const before = codeReadsAtPrimary();
    expect((await resetViaReplica(theirs.token, { emailAuthCode: code, newPassword: GOOD })).body).toEqual({ result: "INVALID_CODE" });
    expect(codeReadsAtPrimary()).toBe(before);
    expect((await login(mine, "lag-tenant@example.com", OLD)).body.result).toBe("SUCCESS");
  });
});

describe("a lagging replica never hides a fresh code", () => {
  it("a code issued after the replica's copy is looked up once at the primary, and works", async () => {
    const w = await world();
    await createUser(w, "lag-fresh@example.com", OLD);
    await replica.snapshot();
    const code = await emailAuthCode(w, "lag-fresh@example.com");
    const before = codeReadsAtPrimary();
    expect((await resetViaReplica(w.token, { emailAuthCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect(codeReadsAtPrimary() - before).toBe(1);
  });

  it("a code already on the replica is read there: no read of reset_codes at the primary", async () => {
    const w = await world();
    await createUser(w, "lag-present@example.com", OLD);
    const code = await emailAuthCode(w, "lag-present@example.com");
    await replica.snapshot();
    const before = codeReadsAtPrimary();
    expect((await resetViaReplica(w.token, { emailAuthCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
    expect(codeReadsAtPrimary()).toBe(before);
  });
});
