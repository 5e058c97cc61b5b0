/** @jsxImportSource hono/jsx */
// Accessible form pieces: every input has a label, its rule as a hint, and its error next to it
// (aria-describedby, aria-invalid). The first field in error gets the focus, with no script.
import type { Child } from "hono/jsx";
import { Layout } from "./layout";
import type { PageView } from "./page-view";

export type FieldErrors = Map<string, string>;

export function ErrorSummary(props: { view: PageView; errors: FieldErrors }) {
  return (
    <div class="summary" role="alert" aria-live="assertive">
      {props.errors.size > 0 ? props.view.copy.page.errorSummary : null}
    </div>
  );
}

export function Field(props: {
  name: string;
  label: string;
  type: "password" | "email" | "text";
  autocomplete: string;
  errors: FieldErrors;
  hint?: string;
  value?: string;
  inputmode?: "numeric" | "email";
  /** The field to focus when no field is in error. */
  first?: boolean;
}) {
  const error = props.errors.get(props.name);
  const firstError = error !== undefined && [...props.errors.keys()][0] === props.name;
  const hintId = props.hint ? `${props.name}-hint` : undefined;
  const errorId = error ? `${props.name}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={props.name}>{props.label}</label>
      {props.hint ? (
        <span class="hint" id={hintId}>
          {props.hint}
        </span>
      ) : null}
      <input
        id={props.name}
        name={props.name}
        type={props.type}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        value={props.value}
        required
        spellcheck={false}
        autocapitalize="none"
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy}
        autofocus={firstError || (props.errors.size === 0 && props.first) ? true : undefined}
      />
      {error ? (
        <p class="error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A page that is one form: title, intro, the error summary, the per-form token, the fields and the button. */
export function FormPage(props: {
  view: PageView;
  title: string;
  intro: string;
  errors: FieldErrors;
  action: string;
  token: string;
  submit: string;
  children: Child;
  head?: Child;
}) {
  return (
    <Layout view={props.view} title={props.title} head={props.head}>
      <h1>{props.title}</h1>
      <p>{props.intro}</p>
      <ErrorSummary view={props.view} errors={props.errors} />
      <form method="post" action={props.action} novalidate>
        <input type="hidden" name="formToken" value={props.token} />
        {props.children}
        <button type="submit">{props.submit}</button>
      </form>
    </Layout>
  );
}
