/** @jsxImportSource hono/jsx */
// GET /reset-password?emailAuthCode=… | ?passwordResetCode=…, and the form it leads to. A GET
// only moves the code into a cookie and reads its standing; only a POST carrying a typed new
// password acts, through the same workflow as the API.
import { Hono } from "hono";
import type { Context } from "hono";
import { policyForTenant } from "../../directory/policies";
import { type Tenant, getTenant } from "../../directory/tenants";
import type { FoundCode } from "../../workflows/password-reset/code-store";
import { inspectCode } from "../../workflows/password-reset/inspect-code";
import { resetPassword } from "../../workflows/password-reset/reset-password";
import type { AppEnv } from "../app-env";
import { workflowDeps } from "../workflow-deps";
import { type HeldCode, dropCode, heldCode, holdCode } from "./code-cookie";
import { formFields } from "./form-body";
import { Field, type FieldErrors, FormPage } from "./form-parts";
import { formToken, formTokenValid } from "./form-token";
import { formErrors, newPasswordInput, violationErrors } from "./new-password";
import { renderContinue, renderEnding } from "./outcome";
import { pagePath } from "./page-paths";
import { type PageView, neutralView, tenantView } from "./page-view";

const CODE = /^[A-Za-z0-9_-]{1,512}$/;

/** Moves a code from the address bar into the cookie and shows the clean URL. */
export function holdAndRedirect(c: Context<AppEnv>, held: HeldCode, to: "resetPassword" | "resetPasswordOtp") {
  if (CODE.test(held.code)) holdCode(c, held);
  else dropCode(c);
  const lang = c.req.query("lang");
  return c.redirect(pagePath(c.env, to, { lang: lang && /^[A-Za-z-]{2,10}$/.test(lang) ? lang : undefined }), 303);
}

/**
 * An OTP request the forgot-password page just made is stored after its answer, so for a moment
 * it has no row: its form still shows, for the tenant the cookie names. A guess at it then reads
 * as a wrong code, which is what it is until the row exists.
 */
export async function pendingOtpTenant(c: Context<AppEnv>, held: HeldCode, owner: unknown): Promise<Tenant | null> {
  if (owner !== null || held.kind !== "EMAIL_OTP" || !held.tenantId) return null;
  return getTenant(c.var.replica, held.tenantId);
}

/** Where a held code stands; a code that cannot be used ends the flow at once and is dropped. */
export async function standingPage(c: Context<AppEnv>, held: HeldCode | null) {
  if (!held) {
    const crossSite = c.req.method === "GET" && c.req.header("Sec-Fetch-Site") === "cross-site";
    return { ended: crossSite ? renderContinue(c, neutralView(c)) : renderEnding(c, neutralView(c), "SESSION_ENDED") };
  }
  const standing = await inspectCode(workflowDeps(c), held.kind, held.code);
  if (standing.state === "INVALID_CODE") {
    const pending = await pendingOtpTenant(c, held, standing.owner);
    if (pending) return { view: await tenantView(c, pending), policy: await policyForTenant(c.var.replica, pending) };
    dropCode(c);
    const { owner } = standing;
    const view = owner ? await tenantView(c, { id: owner.tenantId, applicationId: owner.applicationId }) : neutralView(c);
    return { ended: renderEnding(c, view, "INVALID_CODE") };
  }
  const tenant = { id: standing.tenantId, applicationId: standing.applicationId };
  const view = await tenantView(c, tenant);
  if (standing.state !== "USABLE") {
    dropCode(c);
    return { ended: renderEnding(c, view, standing.state) };
  }
  return { view, policy: await policyForTenant(c.var.replica, tenant), found: standing.found };
}

/**
 * The account a usable link resets, for password managers to save the new password under. A link
 * proves the mailbox, so its page may name the address; an OTP form may not before its code is
 * typed (the requestCode only proves that someone typed an address, and a decoy must read alike).
 */
function accountOf(held: HeldCode, found: FoundCode | undefined, tenantId: string | null): string | null {
  if (held.kind === "EMAIL_OTP" || !found?.code.userId) return null;
  const { user } = found;
  return user && user.status === "ACTIVE" && user.tenantId === tenantId ? user.email : null;
}

function ResetForm(props: { view: PageView; token: string; errors: FieldErrors; min: number; max: number; action: string; account: string | null }) {
  const { copy, theme } = props.view;
  return (
    <FormPage view={props.view} title={copy.page.resetTitle} intro={copy.page.resetIntro(theme.displayName)} errors={props.errors} action={props.action} token={props.token} submit={copy.page.submitReset}>
        {/* Hidden, as Chromium's password form guidance advises: the account is known, not typed. */}
        {props.account ? <input type="email" name="username" autocomplete="username" value={props.account} hidden readonly /> : null}
        <Field
          name="newPassword"
          type="password"
          autocomplete="new-password"
          label={copy.page.newPassword}
          hint={copy.page.passwordRule(props.min, props.max)}
          errors={props.errors}
          first
        />
        <Field name="confirmPassword" type="password" autocomplete="new-password" label={copy.page.confirmPassword} errors={props.errors} />
    </FormPage>
  );
}

async function showForm(c: Context<AppEnv>, held: HeldCode | null, errors: FieldErrors = new Map()) {
  const page = await standingPage(c, held);
  if ("ended" in page || !held) return page.ended;
  const action = pagePath(c.env, "resetPassword", { lang: page.view.explicitLanguage });
  const token = await formToken(c.env, "reset-password", held.code);
  const { passwordMinLength: min, passwordMaxLength: max } = page.policy;
  const account = accountOf(held, page.found, page.view.tenantId);
  return c.html(<ResetForm view={page.view} token={token} errors={errors} min={min} max={max} action={action} account={account} />, errors.size > 0 ? 422 : 200);
}

export const resetPasswordPage = new Hono<AppEnv>()
  .get("/", async (c) => {
    const emailAuthCode = c.req.query("emailAuthCode");
    const passwordResetCode = c.req.query("passwordResetCode");
    if (emailAuthCode !== undefined) return holdAndRedirect(c, { kind: "EMAIL_LINK", code: emailAuthCode }, "resetPassword");
    if (passwordResetCode !== undefined) return holdAndRedirect(c, { kind: "ADMIN_LINK", code: passwordResetCode }, "resetPassword");
    const held = heldCode(c);
    if (held?.kind === "EMAIL_OTP") return c.redirect(pagePath(c.env, "resetPasswordOtp", { lang: c.req.query("lang") }), 303);
    return showForm(c, held);
  })
  .post("/", async (c) => {
    const held = heldCode(c);
    if (!held || held.kind === "EMAIL_OTP") return renderEnding(c, neutralView(c), "SESSION_ENDED");
    const body = await formFields(c);
    if (!(await formTokenValid(c.env, "reset-password", held.code, body.formToken))) return renderEnding(c, neutralView(c), "FORM_EXPIRED");
    const input = newPasswordInput(body);
    const page = await standingPage(c, held);
    if ("ended" in page) return page.ended;
    const errors = formErrors(page.view.copy, input);
    if (errors.size > 0) return showForm(c, held, errors);
    const answer = await resetPassword(workflowDeps(c), null, { mode: { kind: held.kind, code: held.code }, newPassword: input.newPassword, suppressPasswordUpdatedEmail: false, found: page.found });
    if (answer.result === "PASSWORD_POLICY_VIOLATION") return showForm(c, held, violationErrors(page.view.copy, answer.violations));
    dropCode(c);
    if (answer.result === "PASSWORD_UPDATED") return renderEnding(c, page.view, "DONE", answer.loginUrl);
    return renderEnding(c, page.view, answer.result);
  });
