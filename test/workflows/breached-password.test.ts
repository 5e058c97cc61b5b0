// Breached passwords: every way of setting a password asks Have I Been Pwned's range API (served
// by the host-app Worker, test/fixtures/host-app.js) as the tenant's policy says, and refuses a
// password seen in a breach with `breached`.
import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson } from "../support/api";
import { setPolicy } from "../support/codes";
import { createUser, world } from "../support/fixtures";
import { PageClient, formTokenOf } from "../support/page-client";
import { BREACHED, BREACHED_PASSWORD, PADDED_ONLY_PASSWORD, PROVIDER_DOWN_PASSWORD, PROVIDER_JUNK_PASSWORD } from "../support/pwned-passwords";
import { adminLinkCode, emailAuthCode, otp, reset, setStrategy } from "../support/reset";
import { login, loginOk } from "../support/sessions";

const GOOD = "a new good password";
const REFUSED = { result: "PASSWORD_POLICY_VIOLATION", violations: [BREACHED] };

afterEach(() => vi.restoreAllMocks());

async function adminLinkCase(name: string) {
  const w = await world(name);
  const user = await createUser(w, `${name}@example.com`, "old password 1");
  return { w, user, code: await adminLinkCode(w, user.id) };
}

/** Every line written to the console while `run` runs. */
async function consoleDuring(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  }
  await run();
  return lines.join("\n");
}

describe("Reset Password refuses a breached password with breached, and the code stays usable", () => {
  it("with passwordResetCode (admin link)", async () => {
    const { w, user, code } = await adminLinkCase("admin");
    expect((await reset(w.token, { passwordResetCode: code, newPassword: BREACHED_PASSWORD })).body).toEqual(REFUSED);
    await loginOk(w, "admin@example.com", "old password 1");
    expect((await reset(w.token, { passwordResetCode: code, newPassword: GOOD })).body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
  });

  it("with emailAuthCode (emailed link)", async () => {
    const w = await world("link");
    await createUser(w, "link@example.com", "old password 1");
    const code = await emailAuthCode(w, "link@example.com");
    expect((await reset(w.token, { emailAuthCode: code, newPassword: BREACHED_PASSWORD })).body).toEqual(REFUSED);
    expect((await reset(w.token, { emailAuthCode: code, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("with requestCode and verificationCode (emailed OTP)", async () => {
    const w = await world("otp");
    await setStrategy(w, "OTP");
    await createUser(w, "otp@example.com", "old password 1");
    const codes = await otp(w, "otp@example.com");
    expect((await reset(w.token, { ...codes, newPassword: BREACHED_PASSWORD })).body).toEqual(REFUSED);
    expect((await reset(w.token, { ...codes, newPassword: GOOD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("accepts a password whose suffix is only a padding entry (count 0)", async () => {
    const { w, code } = await adminLinkCase("zero");
    expect((await reset(w.token, { passwordResetCode: code, newPassword: PADDED_ONLY_PASSWORD })).body.result).toBe("PASSWORD_UPDATED");
  });

  it("lists breached after the other rules the password breaks", async () => {
    const w = await world("order");
    const user = await createUser(w, "password@example.com", "old secret 1");
    const code = await adminLinkCode(w, user.id);
    expect((await reset(w.token, { passwordResetCode: code, newPassword: BREACHED_PASSWORD })).body.violations).toEqual([
      { code: "contains_email", constraintAttributes: {} },
      BREACHED,
    ]);
  });
});

describe("Change Password", () => {
  it("refuses a breached password with breached and keeps the current one", async () => {
    const w = await world("change");
    const user = await createUser(w, "change@example.com", "old password 1");
    const session = await loginOk(w, "change@example.com", "old password 1");
    const res = await callJson("POST", "/api/v1/change-password", {
      token: session.accessToken,
      body: { userId: user.id, currentPassword: "old password 1", newPassword: BREACHED_PASSWORD },
    });
    expect(res.body).toEqual(REFUSED);
    await loginOk(w, "change@example.com", "old password 1");
  });
});

describe("user creation", () => {
  it("refuses a breached first password with 400 and creates no user", async () => {
    const w = await world("create");
    const res = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId: w.tenantId, email: "create@example.com", password: BREACHED_PASSWORD } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: "constraint_violations_error", violations: { password: [BREACHED] } });
    const list = await callJson("GET", `/api/v1/tenants/${w.tenantId}/users?email=create@example.com`, { token: w.token });
    expect(list.body.items).toEqual([]);
  });
});

describe("the policy", () => {
  it("checks by default, and fails open by default", async () => {
    const w = await world("defaults");
    const res = await callJson("GET", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token });
    expect(res.body).toMatchObject({ checkBreachedPasswords: true, breachedCheckFailure: "open" });
  });

  it("checkBreachedPasswords false accepts a breached password", async () => {
    const { w, code } = await adminLinkCase("unchecked");
    await setPolicy(w, { checkBreachedPasswords: false });
    expect((await reset(w.token, { passwordResetCode: code, newPassword: BREACHED_PASSWORD })).body.result).toBe("PASSWORD_UPDATED");
    await loginOk(w, "unchecked@example.com", BREACHED_PASSWORD);
  });

  it("refuses a breachedCheckFailure other than open or closed", async () => {
    const w = await world("badpolicy");
    const res = await callJson("PATCH", `/api/v1/tenants/${w.tenantId}/password-reset-policy`, { token: w.token, body: { breachedCheckFailure: "ignore" } });
    expect(res.status).toBe(400);
  });
});

describe("when the range API fails", () => {
  it("fails open by default: the password is set, and the log names the failure, never the password or its hash", async () => {
    const { w, code } = await adminLinkCase("open");
    let body: unknown;
    const logged = await consoleDuring(async () => {
      body = (await reset(w.token, { passwordResetCode: code, newPassword: PROVIDER_DOWN_PASSWORD })).body;
    });
    expect(body).toMatchObject({ result: "PASSWORD_UPDATED" });
    expect(logged).toContain('"event":"breached_check.unavailable"');
    // SHA-1("range api down 500") = E3AA987B9960D988603B40642038EFCCDCD5AD40
    for (const secret of [PROVIDER_DOWN_PASSWORD, "E3AA9", "987B9960D988603B40642038EFCCDCD5AD40"]) expect(logged.toUpperCase()).not.toContain(secret.toUpperCase());
    await loginOk(w, "open@example.com", PROVIDER_DOWN_PASSWORD);
  });

  it("fails closed when the policy says so: 503 breached_check_unavailable with Retry-After, nothing changed, and the code still works", async () => {
    const { w, user, code } = await adminLinkCase("closed");
    await setPolicy(w, { breachedCheckFailure: "closed" });
    const res = await reset(w.token, { passwordResetCode: code, newPassword: PROVIDER_DOWN_PASSWORD });
    expect(res.status).toBe(503);
    expect(res.res.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
    expect(res.body).toEqual({ type: "base_error", code: "breached_check_unavailable", message: expect.any(String) });
    expect((await login(w, "closed@example.com", PROVIDER_DOWN_PASSWORD)).body.result).not.toBe("SUCCESS");
    await loginOk(w, "closed@example.com", "old password 1");
    expect((await reset(w.token, { passwordResetCode: code, newPassword: GOOD })).body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
  });

  it("counts a 200 that is not a range as a failure", async () => {
    const { w, code } = await adminLinkCase("junk");
    await setPolicy(w, { breachedCheckFailure: "closed" });
    expect((await reset(w.token, { passwordResetCode: code, newPassword: PROVIDER_JUNK_PASSWORD })).status).toBe(503);
  });

  it("fails closed on the hosted page too: 503 with Retry-After, and the form can be sent again", async () => {
    const w = await world("page");
    await createUser(w, "page@example.com", "old password 1");
    await setPolicy(w, { breachedCheckFailure: "closed" });
    const code = await emailAuthCode(w, "page@example.com");
    const browser = new PageClient();
    const form = await browser.follow(await browser.get(`/reset-password?emailAuthCode=${code}`));
    const token = formTokenOf(form.html);
    const refused = await browser.post("/reset-password", { formToken: token, newPassword: PROVIDER_DOWN_PASSWORD, confirmPassword: PROVIDER_DOWN_PASSWORD });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
    const done = await browser.post("/reset-password", { formToken: token, newPassword: GOOD, confirmPassword: GOOD });
    expect(done.html).toContain("Your password is changed");
  });
});
