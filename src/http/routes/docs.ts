// GET /docs: an API reference rendered in the browser from the served OpenAPI document by Scalar,
// whose script is one of this Worker's static assets (wrangler.toml [assets], filled by
// scripts/docs-assets.mjs): same origin, no CDN, and not part of the Worker's script. Not part of
// the API, so not in the document.
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

// Off: Scalar's own fonts and request proxy (scalar.com), its telemetry, its API client, its
// developer toolbar (Share, Deploy), Ask AI (it would send the document to Scalar's agent) and MCP.
const CONFIGURATION = JSON.stringify({
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  proxyUrl: "",
  showDeveloperTools: "never",
  agent: { disabled: true },
  mcp: { disabled: true },
});

/** The asset's own path: the asset layer ignores the host, so none of the request's is used. */
const SCALAR_ASSET = "https://assets.invalid/docs/scalar.js";

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
  // At the root the asset layer answers this path before the Worker runs; under BASE_PATH (and
  // in tests, which call the Worker directly) the request reaches here.
  .get("/scalar.js", async (c) => {
    const asset = await c.env.ASSETS.fetch(SCALAR_ASSET);
    if (!asset.ok || !asset.body) return c.body(null, 404);
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "public, max-age=86400");
    return c.body(asset.body);
  });
