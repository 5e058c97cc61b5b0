/** @jsxImportSource hono/jsx */
// The frame every email shares, in hono/jsx like the hosted pages, so that names, links and
// branding (all caller-supplied) are escaped by the renderer. Email clients ignore stylesheets:
// every style is inline.
import type { Child } from "hono/jsx";
import { textOnColor } from "../../branding/theme";
import type { EmailLook } from "../look";

/** The HTML part: a doctype (without one, clients render in quirks mode), then the element. */
export function emailHtml(element: Child): string {
  const html = element?.toString();
  // Every email component is synchronous; an async one would render a Promise here.
  if (typeof html !== "string") throw new TypeError("An email renders synchronously.");
  return `<!doctype html>${html}`;
}

/** Logo or name on top, support address at the foot. */
export function EmailLayout(props: { look: EmailLook; title: string; children: Child }) {
  const { theme, copy, language } = props.look;
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width" />
        <title>{props.title}</title>
      </head>
      <body style="margin:0;padding:24px;font-family:system-ui,sans-serif;color:#111;line-height:1.5">
        <div style="max-width:560px;margin:0 auto">
          <div style={`border-bottom:3px solid ${theme.primaryColor};padding-bottom:12px;margin-bottom:24px`}>
            {theme.logoUrl ? (
              <img src={theme.logoUrl} alt={theme.displayName} style="max-height:48px;max-width:240px" />
            ) : (
              <strong style={`font-size:20px;color:${theme.primaryColor}`}>{theme.displayName}</strong>
            )}
          </div>
          {props.children}
          {theme.supportEmail ? (
            <p style="margin:24px 0 0;color:#555;font-size:14px">
              {copy.email.support} <a href={`mailto:${theme.supportEmail}`}>{theme.supportEmail}</a>
            </p>
          ) : null}
        </div>
      </body>
    </html>
  );
}

/** A paragraph of plain text. */
export function Para(props: { children: Child }) {
  return <p style="margin:0 0 16px">{props.children}</p>;
}

/** A button-like link in the brand colour. */
export function Button(props: { look: EmailLook; href: string; label: string }) {
  const { primaryColor } = props.look.theme;
  return (
    <p style="margin:24px 0">
      <a
        href={props.href}
        style={`background:${primaryColor};color:${textOnColor(primaryColor)};padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block;font-weight:bold`}
      >
        {props.label}
      </a>
    </p>
  );
}
