/** @jsxImportSource hono/jsx */
// Pages that end a flow: done, the code no longer works, check your email, try again later.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env";
import { Layout } from "./layout";
import { pagePath } from "./page-paths";
import type { PageView } from "./page-view";

export type Ending = "DONE" | "INVALID_CODE" | "EXPIRED_CODE" | "TOO_MANY_ATTEMPTS" | "SESSION_ENDED" | "CHECK_EMAIL" | "UNAVAILABLE" | "TOO_MANY_REQUESTS" | "NOT_FOUND" | "FORM_EXPIRED" | "UNREADABLE_FORM" | "FORM_TOO_LARGE";

function texts(view: PageView, ending: Ending): { title: string; body: string } {
  const p = view.copy.page;
  switch (ending) {
    case "DONE":
      return { title: p.doneTitle, body: p.doneBody };
    case "INVALID_CODE":
      return { title: p.invalidTitle, body: p.invalidBody };
    case "EXPIRED_CODE":
      return { title: p.expiredTitle, body: p.expiredBody };
    case "TOO_MANY_ATTEMPTS":
      return { title: p.lockedTitle, body: p.lockedBody };
    case "SESSION_ENDED":
      return { title: p.sessionEndedTitle, body: p.sessionEndedBody };
    case "CHECK_EMAIL":
      return { title: p.checkEmailTitle, body: p.checkEmailBody };
    case "UNAVAILABLE":
      return { title: p.unavailableTitle, body: p.unavailableBody };
    case "TOO_MANY_REQUESTS":
      return { title: p.tooManyRequestsTitle, body: p.tooManyRequestsBody };
    case "NOT_FOUND":
      return { title: p.notFoundTitle, body: p.notFoundBody };
    case "FORM_EXPIRED":
      return { title: p.sessionEndedTitle, body: p.errors.form_expired };
    case "UNREADABLE_FORM":
    case "FORM_TOO_LARGE":
      return { title: p.unreadableFormTitle, body: p.unreadableFormBody };
  }
}

/** "Ask for a new email": the tenant's forgot-password form when the page knows the tenant. */
function AskAgain(props: { c: Context<AppEnv>; view: PageView }) {
  const { view } = props;
  if (!view.tenantId) return <p>{view.copy.page.askAgainElsewhere}</p>;
  return (
    <p>
      <a class="button" href={pagePath(props.c.env, "forgotPassword", { tenantId: view.tenantId, lang: view.explicitLanguage })}>
        {view.copy.page.askAgain}
      </a>
    </p>
  );
}

const STATUS: Partial<Record<Ending, ContentfulStatusCode>> = { UNAVAILABLE: 503, TOO_MANY_REQUESTS: 429, NOT_FOUND: 404, FORM_EXPIRED: 403, UNREADABLE_FORM: 400, FORM_TOO_LARGE: 413 };
const ASKS_AGAIN = new Set<Ending>(["INVALID_CODE", "EXPIRED_CODE", "TOO_MANY_ATTEMPTS", "SESSION_ENDED"]);

/**
 * A link in an email is a navigation from another site, and browsers keep SameSite=Strict
 * cookies off every request of such a navigation, the 303 to the clean URL included. This page
 * reloads that URL from the page itself (same-site), and the cookie comes along.
 */
export function renderContinue(c: Context<AppEnv>, view: PageView) {
  const here = new URL(c.req.url);
  const target = `${here.pathname}${here.search}`;
  const p = view.copy.page;
  return c.html(
    <Layout view={view} title={p.continueTitle} head={<meta http-equiv="refresh" content={`0;url=${target}`} />}>
      <h1>{p.continueTitle}</h1>
      <p>
        {p.continueBody} <a href={target}>{p.continueLink}</a>
      </p>
    </Layout>,
  );
}

export function renderEnding(c: Context<AppEnv>, view: PageView, ending: Ending, loginUrl?: string) {
  const { title, body } = texts(view, ending);
  const status = STATUS[ending] ?? 200;
  if (status === 503) c.header("Retry-After", "5");
  return c.html(
    <Layout view={view} title={title}>
      <h1>{title}</h1>
      <p>{body}</p>
      {ending === "DONE" && loginUrl ? (
        <p>
          <a class="button" href={loginUrl}>
            {view.copy.page.signIn}
          </a>
        </p>
      ) : null}
      {ASKS_AGAIN.has(ending) ? <AskAgain c={c} view={view} /> : null}
    </Layout>,
    status,
  );
}
