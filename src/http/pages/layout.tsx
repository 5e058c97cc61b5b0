/** @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { LANGUAGES, copyFor } from "../../copy/catalog";
import type { PageView } from "./page-view";
import { stylesheet } from "./styles";

/** The frame of every page: brand header, the page, support address and language switch. */
export function Layout(props: { view: PageView; title: string; children: Child; head?: Child }) {
  const { view } = props;
  const { theme, copy } = view;
  const switchHref = (lang: string) => {
    const q = new URLSearchParams(view.query);
    q.set("lang", lang);
    return `?${q.toString()}`;
  };
  const title = theme.displayName ? `${props.title} – ${theme.displayName}` : props.title;
  // Without the doctype, browsers render in quirks mode.
  return (
    <>
      {raw("<!doctype html>")}
      <html lang={view.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <style nonce={view.nonce} dangerouslySetInnerHTML={{ __html: stylesheet(theme) }} />
        {props.head}
      </head>
      <body>
        <div class="wrap">
          {theme.displayName || theme.logoUrl ? (
            <header>
              {theme.logoUrl ? <img src={theme.logoUrl} alt={theme.displayName} /> : <span class="brand">{theme.displayName}</span>}
            </header>
          ) : null}
          <main>{props.children}</main>
          <footer>
            {theme.supportEmail ? (
              <p>
                {copy.page.support} <a href={`mailto:${theme.supportEmail}`}>{theme.supportEmail}</a>
              </p>
            ) : null}
            <nav aria-label={copy.page.languages}>
              {LANGUAGES.filter((l) => l !== view.language).map((l) => (
                <a href={switchHref(l)} lang={l} hreflang={l}>
                  {copyFor(l).languageName}
                </a>
              ))}
            </nav>
          </footer>
        </div>
      </body>
      </html>
    </>
  );
}
