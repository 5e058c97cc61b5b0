// The request rules of POST /api/v1/password-reset/reset-password, from the seed: exactly one of
// three modes, null meaning absent, every code field of length >= 1, newPassword required, and
// suppressPasswordUpdatedEmail a boolean defaulting to false.
import { describe, expect, it } from "vitest";
import { call } from "../../support/api";
import { type World, createUser, world } from "../../support/fixtures";
import { mailbox, waitForMail } from "../../support/mailbox";
import { RESET, adminLinkCode, reset } from "../../support/reset";

const PASSWORD = "a new good password";
const CODE = "some-code-value";

/** Asserts the documented 400 shape and returns its violations. */
function violationsOf(res: { status: number; body: any }): Record<string, { code: string; constraintAttributes: Record<string, unknown> }[]> {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    type: "constraint_violations_error",
    code: "message_body_constraint_violations",
    message: expect.any(String),
    violations: expect.any(Object),
  });
  const violations = res.body.violations;
  expect(Object.keys(violations).length).toBeGreaterThan(0);
  for (const list of Object.values(violations) as unknown[][]) {
    expect(list.length).toBeGreaterThan(0);
    for (const v of list) expect(v).toEqual({ code: expect.any(String), constraintAttributes: expect.any(Object) });
  }
  return violations;
}

const fieldsOf = (violations: Record<string, unknown>) => Object.keys(violations).sort();

describe("exactly one mode", () => {
  it("no code field at all: 400", async () => {
    const w = await world();
    violationsOf(await reset(w.token, { newPassword: PASSWORD }));
  });

  it("every code field null: 400, as if none were given", async () => {
    const w = await world();
    const res = await reset(w.token, { emailAuthCode: null, passwordResetCode: null, requestCode: null, verificationCode: null, newPassword: PASSWORD });
    violationsOf(res);
  });

  it("emailAuthCode with passwordResetCode: 400 naming both fields", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { emailAuthCode: CODE, passwordResetCode: CODE, newPassword: PASSWORD }));
    expect(fieldsOf(v)).toEqual(["emailAuthCode", "passwordResetCode"]);
  });

  it("emailAuthCode with requestCode and verificationCode: 400 naming all three", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { emailAuthCode: CODE, requestCode: CODE, verificationCode: "123456", newPassword: PASSWORD }));
    expect(fieldsOf(v)).toEqual(["emailAuthCode", "requestCode", "verificationCode"]);
  });

  it("passwordResetCode with a verificationCode: 400 naming both fields", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { passwordResetCode: CODE, verificationCode: "123456", newPassword: PASSWORD }));
    expect(fieldsOf(v)).toEqual(["passwordResetCode", "verificationCode"]);
  });

  it("requestCode without verificationCode: 400 naming verificationCode", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { requestCode: CODE, newPassword: PASSWORD }));
    expect(fieldsOf(v)).toEqual(["verificationCode"]);
  });

  it("verificationCode without requestCode: 400 naming requestCode", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { verificationCode: "123456", newPassword: PASSWORD }));
    expect(fieldsOf(v)).toEqual(["requestCode"]);
  });
});

describe("null is the same as absent", () => {
  it("emailAuthCode with the other code fields null is well-formed: 200 INVALID_CODE for an unknown code", async () => {
    const w = await world();
    const res = await reset(w.token, {
      emailAuthCode: "x",
      passwordResetCode: null,
      requestCode: null,
      verificationCode: null,
      newPassword: PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: "INVALID_CODE" });
  });

  it("requestCode and verificationCode with the link fields null are well-formed: 200", async () => {
    const w = await world();
    const res = await reset(w.token, { emailAuthCode: null, passwordResetCode: null, requestCode: CODE, verificationCode: "123456", newPassword: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: "INVALID_CODE" });
  });

  it("a real passwordResetCode with the other fields null updates the password", async () => {
    const w = await world();
    const user = await createUser(w, "nulls@example.com", "old password 1");
    const code = await adminLinkCode(w, user.id);
    const res = await reset(w.token, { passwordResetCode: code, emailAuthCode: null, requestCode: null, verificationCode: null, newPassword: PASSWORD });
    expect(res.body).toEqual({ result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId });
  });
});

describe("code fields are strings of length >= 1", () => {
  for (const [field, body] of [
    ["emailAuthCode", { emailAuthCode: "" }],
    ["passwordResetCode", { passwordResetCode: "" }],
    ["requestCode", { requestCode: "", verificationCode: "123456" }],
    ["verificationCode", { requestCode: CODE, verificationCode: "" }],
  ] as const) {
    it(`${field} "" violates min_length 1`, async () => {
      const w = await world();
      const v = violationsOf(await reset(w.token, { ...body, newPassword: PASSWORD }));
      expect(v[field]?.[0]).toEqual({ code: "min_length", constraintAttributes: { min: 1 } });
    });
  }

  it("a code field that is not a string: 400 naming it", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { emailAuthCode: 12345, newPassword: PASSWORD }));
    expect(v.emailAuthCode?.[0]?.code).toBe("invalid_type");
  });
});

describe("newPassword", () => {
  it("missing: 400 required", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { emailAuthCode: CODE }));
    expect(v.newPassword?.[0]).toEqual({ code: "required", constraintAttributes: {} });
  });

  it("null: 400 (it is not nullable)", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { emailAuthCode: CODE, newPassword: null }));
    expect(v.newPassword?.length).toBeGreaterThan(0);
  });

  it('"": 400 min_length 1', async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { emailAuthCode: CODE, newPassword: "" }));
    expect(v.newPassword?.[0]).toEqual({ code: "min_length", constraintAttributes: { min: 1 } });
  });
});

describe("suppressPasswordUpdatedEmail", () => {
  it("must be a boolean: 400 naming it", async () => {
    const w = await world();
    for (const value of ["true", 1, "false", {}]) {
      const v = violationsOf(await reset(w.token, { emailAuthCode: CODE, newPassword: PASSWORD, suppressPasswordUpdatedEmail: value }));
      expect(fieldsOf(v)).toEqual(["suppressPasswordUpdatedEmail"]);
    }
  });

  async function resetByAdminLink(w: World, email: string, extra: Record<string, unknown>) {
    const user = await createUser(w, email, "old password 1");
    const code = await adminLinkCode(w, user.id);
    const res = await reset(w.token, { passwordResetCode: code, newPassword: PASSWORD, ...extra });
    expect(res.body.result).toBe("PASSWORD_UPDATED");
  }

  it("defaults to false: a Password Updated email is sent", async () => {
    const w = await world();
    await resetByAdminLink(w, "notified@example.com", {});
    const mail = await waitForMail("notified@example.com", "PASSWORD_UPDATED");
    expect(mail.to).toBe("notified@example.com");
  });

  it("false sends the Password Updated email too", async () => {
    const w = await world();
    await resetByAdminLink(w, "notified-false@example.com", { suppressPasswordUpdatedEmail: false });
    await waitForMail("notified-false@example.com", "PASSWORD_UPDATED");
  });

  it("true sends none", async () => {
    const w = await world();
    await resetByAdminLink(w, "suppressed@example.com", { suppressPasswordUpdatedEmail: true });
    // A reset after it that is not suppressed: once its mail is delivered, the first one's would be too.
    await resetByAdminLink(w, "witness@example.com", {});
    await waitForMail("witness@example.com", "PASSWORD_UPDATED");
    expect(await mailbox("suppressed@example.com")).toEqual([]);
  });
});

describe("the body", () => {
  it("rejects an unknown field: 400 naming it", async () => {
    const w = await world();
    const v = violationsOf(await reset(w.token, { emailAuthCode: CODE, newPassword: PASSWORD, userId: "someone" }));
    expect(v.userId?.[0]?.code).toBe("unknown_field");
  });

  it("rejects a body that is not JSON: 400", async () => {
    const w = await world();
    const res = await call("POST", RESET, { token: w.token, body: "{not json", headers: { "Content-Type": "application/json" } });
    expect(res.status).toBe(400);
  });
});
