// The hosted pages: server-rendered HTML, no client script, no third-party assets. Each response
// is uncacheable, unframeable and referrer-free, with a CSP that allows only its own nonce'd
// stylesheet; form POSTs pass hono's Origin / Sec-Fetch-Site check and a per-form token.
import { Hono } from "hono";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { publicBaseUrl } from "../../config/public-origin";
import { isStorageFailure } from "../../db/errors";
import type { AppEnv } from "../app-env";
import { noStore } from "../middleware/no-store";
import { FormTooLarge, UnreadableForm, formFields, pageBodyLimit } from "./form-body";
import { forgotPasswordPage } from "./forgot-password";
import { renderEnding } from "./outcome";
import { pageHeaders } from "./page-headers";
import { PAGES } from "./page-paths";
import { neutralView } from "./page-view";
import { pageRateLimit } from "./rate-limit";
import { resetPasswordPage } from "./reset-password";
import { resetPasswordOtpPage } from "./reset-password-otp";
import { turnstileCsp } from "./turnstile";

export const pageRoutes = new Hono<AppEnv>();

// The allowed origin is the configured one: the request's Host is the sender's to choose.
const sameOrigin = csrf({ origin: (origin, c) => origin === new URL(publicBaseUrl(c.env)).origin });

// A POST's form is read before anything else looks at the request, so an unreadable one answers
// 400 whatever the cookie or the tenant.
const readForm = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "POST") await formFields(c);
  await next();
});

// Only the pages' own paths: these routes are mounted beside the API.
pageRoutes.use(PAGES.resetPassword, pageHeaders, noStore, pageRateLimit, sameOrigin, pageBodyLimit, readForm);
pageRoutes.use(PAGES.resetPasswordOtp, pageHeaders, noStore, pageRateLimit, sameOrigin, pageBodyLimit, readForm);
// The forgot-password form may load Turnstile's script and frame where its policy turns Turnstile on.
pageRoutes.use(PAGES.forgotPassword, turnstileCsp, pageHeaders, noStore, pageRateLimit, sameOrigin, pageBodyLimit, readForm);

pageRoutes.route(PAGES.resetPasswordOtp, resetPasswordOtpPage);
pageRoutes.route(PAGES.resetPassword, resetPasswordPage);
pageRoutes.route(PAGES.forgotPassword, forgotPasswordPage);

pageRoutes.onError((err, c) => {
  if (err instanceof HTTPException && err.status === 403) return renderEnding(c, neutralView(c), "FORM_EXPIRED");
  if (err instanceof UnreadableForm) return renderEnding(c, neutralView(c), "UNREADABLE_FORM");
  if (err instanceof FormTooLarge) return renderEnding(c, neutralView(c), "FORM_TOO_LARGE");
  console.error(JSON.stringify({ requestId: c.get("requestId"), status: 503, error: err.name, storage: isStorageFailure(err) }));
  return renderEnding(c, neutralView(c), "UNAVAILABLE");
});
