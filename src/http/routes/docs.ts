// GET /docs: an API reference rendered in the browser from the served OpenAPI document by Scalar,
// whose script this Worker serves itself (no CDN). Not part of the API, so not in the document.
import { Hono } from "hono";
import { html } from "hono/html";
import { basePath } from "../../config/base-path";
import type { AppEnv } from "../app-env";
import { OPENAPI_PATH } from "../openapi-document";

/** Everything the page loads is this origin's: the script, the document, and inline styles Scalar injects. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

// Scalar's own fonts and its request proxy live on scalar.com: both off.
const CONFIGURATION = JSON.stringify({ withDefaultFonts: false, hideClientButton: true, telemetry: false, proxyUrl: "" });

export const docsRoutes = new Hono<AppEnv>()
  .get("/", (c) => {
    const prefix = basePath(c.env);
    c.header("Content-Security-Policy", CSP);
    c.header("Cache-Control", "no-cache");
    return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Edge password reset: API reference</title>
  </head>
  <body>
    <script id="api-reference" data-url="${prefix}${OPENAPI_PATH}" data-configuration="${CONFIGURATION}"></script>
    <script src="${prefix}/docs/scalar.js"></script>
  </body>
</html>`);
  })
  .get("/scalar.js", async (c) => {
    // Loaded on first use only: the script is 4 MB of text.
    const { default: script } = await import("../../../node_modules/@scalar/api-reference/dist/browser/standalone.js");
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(script);
  });
