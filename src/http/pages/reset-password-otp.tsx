/** @jsxImportSource hono/jsx */
// GET /reset-password/otp?requestCode=…: the emailed verification code and the new password.
// A wrong code is shown next to its field while the request still has attempts left.
import { Hono } from "hono";
import type { Context } from "hono";
import { inspectCode } from "../../workflows/password-reset/inspect-code";
import { resetPassword } from "../../workflows/password-reset/reset-password";
import type { AppEnv } from "../app-env";
import { workflowDeps } from "../workflow-deps";
import { dropCode, heldCode } from "./code-cookie";
import { formFields } from "./form-body";
import { Field, type FieldErrors, FormPage } from "./form-parts";
import { formToken, formTokenValid } from "./form-token";
import { formErrors, newPasswordInput, violationErrors } from "./new-password";
import { renderEnding } from "./outcome";
import { pagePath } from "./page-paths";
import { type PageView, neutralView } from "./page-view";
import { holdAndRedirect, pendingOtpTenant, standingPage } from "./reset-password";

function OtpForm(props: { view: PageView; token: string; errors: FieldErrors; digits: number; min: number; max: number; action: string; code: string }) {
  const { copy } = props.view;
  return (
    <FormPage view={props.view} title={copy.page.otpTitle} intro={copy.page.otpIntro} errors={props.errors} action={props.action} token={props.token} submit={copy.page.submitReset}>
        <Field
          name="verificationCode"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          label={copy.page.verificationCode}
          hint={copy.page.verificationCodeHint(props.digits)}
          value={props.code}
          errors={props.errors}
          first
        />
        <Field name="newPassword" type="password" autocomplete="new-password" label={copy.page.newPassword} hint={copy.page.passwordRule(props.min, props.max)} errors={props.errors} />
        <Field name="confirmPassword" type="password" autocomplete="new-password" label={copy.page.confirmPassword} errors={props.errors} />
    </FormPage>
  );
}

async function showForm(c: Context<AppEnv>, errors: FieldErrors = new Map(), code = "") {
  const held = heldCode(c);
  const page = await standingPage(c, held?.kind === "EMAIL_OTP" ? held : null);
  if ("ended" in page || !held) return page.ended;
  const token = await formToken(c.env, "reset-password-otp", held.code);
  const action = pagePath(c.env, "resetPasswordOtp", { lang: page.view.explicitLanguage });
  const { otpLength, passwordMinLength: min, passwordMaxLength: max } = page.policy;
  return c.html(
    <OtpForm view={page.view} token={token} errors={errors} digits={otpLength} min={min} max={max} action={action} code={code} />,
    errors.size > 0 ? 422 : 200,
  );
}

export const resetPasswordOtpPage = new Hono<AppEnv>()
  .get("/", async (c) => {
    const requestCode = c.req.query("requestCode");
    const tenantId = c.req.query("tenantId");
    if (requestCode !== undefined) {
      const held = tenantId && /^[a-z0-9]{1,64}$/.test(tenantId) ? { tenantId } : {};
      return holdAndRedirect(c, { kind: "EMAIL_OTP", code: requestCode, ...held }, "resetPasswordOtp");
    }
    return showForm(c);
  })
  .post("/", async (c) => {
    const held = heldCode(c);
    if (held?.kind !== "EMAIL_OTP") return renderEnding(c, neutralView(c), "SESSION_ENDED");
    const body = await formFields(c);
    if (!(await formTokenValid(c.env, "reset-password-otp", held.code, body.formToken))) return renderEnding(c, neutralView(c), "FORM_EXPIRED");
    const page = await standingPage(c, held);
    if ("ended" in page) return page.ended;
    const { copy } = page.view;
    const verificationCode = typeof body.verificationCode === "string" ? body.verificationCode.trim() : "";
    const input = newPasswordInput(body);
    const errors: FieldErrors = new Map();
    if (!verificationCode) errors.set("verificationCode", copy.page.errors.required);
    formErrors(copy, input, errors);
    if (errors.size > 0) return showForm(c, errors, verificationCode);

    const answer = await resetPassword(workflowDeps(c), null, {
      mode: { kind: "EMAIL_OTP", code: held.code, verificationCode },
      newPassword: input.newPassword,
      suppressPasswordUpdatedEmail: false,
      found: page.found,
    });
    if (answer.result === "PASSWORD_POLICY_VIOLATION") return showForm(c, violationErrors(copy, answer.violations), verificationCode);
    if (answer.result === "PASSWORD_UPDATED") {
      dropCode(c);
      return renderEnding(c, page.view, "DONE", answer.loginUrl);
    }
    // A wrong verification code reads as INVALID_CODE: the request may still have attempts left,
    // or this guess may have used the last one.
    let after: string = answer.result;
    if (answer.result === "INVALID_CODE") {
      const standing = await inspectCode(workflowDeps(c), "EMAIL_OTP", held.code);
      const pending = standing.state === "INVALID_CODE" && (await pendingOtpTenant(c, held, standing.owner)) !== null;
      after = pending ? "USABLE" : standing.state;
    }
    if (after === "USABLE") return showForm(c, new Map([["verificationCode", copy.page.errors.wrong_code]]));
    dropCode(c);
    return renderEnding(c, page.view, after as "INVALID_CODE" | "EXPIRED_CODE" | "TOO_MANY_ATTEMPTS");
  });
