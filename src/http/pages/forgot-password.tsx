/** @jsxImportSource hono/jsx */
// GET /forgot-password?tenantId=…: ask for a reset email. The answer is the API's: the same for
// every address, then the OTP form when the tenant's strategy is OTP.
import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { Context } from "hono";
import { policyForTenant } from "../../directory/policies";
import { getTenant } from "../../directory/tenants";
import type { Tenant } from "../../directory/tenants";
import { requestPasswordReset } from "../../workflows/password-reset/request-password-reset";
import type { AppEnv } from "../app-env";
import { workflowDeps } from "../workflow-deps";
import { holdCode } from "./code-cookie";
import { formFields } from "./form-body";
import { Field, type FieldErrors, FormPage } from "./form-parts";
import { formNonce, formToken, formTokenValid, presentedNonce } from "./form-token";
import { renderEnding } from "./outcome";
import { PAGES, pagePath, pagesPrefix } from "./page-paths";
import { type PageView, neutralView, tenantView } from "./page-view";
import { TURNSTILE_FIELD, TURNSTILE_SCRIPT, showsTurnstile, turnstilePassed, turnstileSiteKey } from "./turnstile";

const Email = z.email().max(320);

function ForgotForm(props: { view: PageView; token: string; errors: FieldErrors; email: string; action: string; siteKey: string | null }) {
  const { copy, theme } = props.view;
  const turnstileError = props.errors.get(TURNSTILE_FIELD);
  return (
    <FormPage
      head={props.siteKey ? <script src={TURNSTILE_SCRIPT} async defer nonce={props.view.nonce} /> : undefined}
      view={props.view}
      title={copy.page.forgotTitle} intro={copy.page.forgotIntro(theme.displayName)} errors={props.errors} action={props.action} token={props.token} submit={copy.page.submitForgot}>
        <Field name="email" type="email" inputmode="email" autocomplete="email" label={copy.page.email} value={props.email} errors={props.errors} first />
        {props.siteKey ? (
          <div class="field">
            <div class="cf-turnstile" data-sitekey={props.siteKey} data-language={props.view.language} />
            {turnstileError ? (
              <p class="error" id="turnstile-error">
                {turnstileError}
              </p>
            ) : null}
          </div>
        ) : null}
    </FormPage>
  );
}

async function tenantOf(c: Context<AppEnv>): Promise<Tenant | null> {
  const id = c.req.query("tenantId");
  return id && /^[a-z0-9]{1,64}$/.test(id) ? getTenant(c.var.replica, id) : null;
}

async function showForm(c: Context<AppEnv>, tenant: Tenant, view: PageView, errors: FieldErrors = new Map(), email = "") {
  const siteKey = (await policyForTenant(c.var.replica, tenant)).forgotPasswordTurnstile ? turnstileSiteKey(c.env) : null;
  if (siteKey) showsTurnstile(c);
  const nonce = formNonce(c, `${pagesPrefix(c.env)}${PAGES.forgotPassword}`);
  const token = await formToken(c.env, "forgot-password", `${tenant.id}:${nonce}`);
  const action = pagePath(c.env, "forgotPassword", { tenantId: tenant.id, lang: view.explicitLanguage });
  return c.html(<ForgotForm view={view} token={token} errors={errors} email={email} action={action} siteKey={siteKey} />, errors.size > 0 ? 422 : 200);
}

export const forgotPasswordPage = new Hono<AppEnv>()
  .get("/", async (c) => {
    const tenant = await tenantOf(c);
    if (!tenant) return renderEnding(c, neutralView(c), "NOT_FOUND");
    return showForm(c, tenant, await tenantView(c, tenant));
  })
  .post("/", async (c) => {
    const tenant = await tenantOf(c);
    if (!tenant) return renderEnding(c, neutralView(c), "NOT_FOUND");
    const view = await tenantView(c, tenant);
    const body = await formFields(c);
    const nonce = presentedNonce(c);
    if (!nonce || !(await formTokenValid(c.env, "forgot-password", `${tenant.id}:${nonce}`, body.formToken))) {
      return showForm(c, tenant, view, new Map([["email", view.copy.page.errors.form_expired]]));
    }
    const email = typeof body.email === "string" ? body.email.trim() : "";
    if (!email) return showForm(c, tenant, view, new Map([["email", view.copy.page.errors.required]]));
    if (!Email.safeParse(email).success) return showForm(c, tenant, view, new Map([["email", view.copy.page.errors.email]]), email);
    if ((await policyForTenant(c.var.replica, tenant)).forgotPasswordTurnstile) {
      if (!(await turnstilePassed(c.env, body[TURNSTILE_FIELD], c.req.header("CF-Connecting-IP")))) {
        return showForm(c, tenant, view, new Map([[TURNSTILE_FIELD, view.copy.page.errors.turnstile]]), email);
      }
    }

    const answer = await requestPasswordReset(workflowDeps(c), tenant, email, view.language);
    if (answer.emailVerificationStrategy === "LINK") return renderEnding(c, view, "CHECK_EMAIL");
    holdCode(c, { kind: "EMAIL_OTP", code: answer.requestCode, tenantId: tenant.id });
    return c.redirect(pagePath(c.env, "resetPasswordOtp", { lang: view.explicitLanguage }), 303);
  });
