// GET /docs: the API reference page, rendered from the served OpenAPI document by a script this
// Worker serves itself.
import { describe, expect, it } from "vitest";
import { call } from "../support/api";

describe("GET /docs", () => {
  it("loads Scalar and the OpenAPI document from this origin only, under a strict CSP", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-url="/api/v1/openapi.json"');
    expect(html).toContain('src="/docs/scalar.js"');
    expect(html).not.toMatch(/https?:\/\//);
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("turns off what would send the document elsewhere or offer hosted extras: Ask AI, MCP, Share and Deploy, the client, telemetry", async () => {
    const html = await (await call("GET", "/docs")).text();
    const attribute = /data-configuration="([^"]*)"/.exec(html)?.[1] ?? "";
    const configuration = JSON.parse(attribute.replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
    expect(configuration).toMatchObject({
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: "never",
      hideClientButton: true,
      telemetry: false,
      withDefaultFonts: false,
      proxyUrl: "",
    });
  });

  it("serves the Scalar script itself", async () => {
    const res = await call("GET", "/docs/scalar.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/javascript/);
    expect((await res.text()).length).toBeGreaterThan(100_000);
  });

  it("honours BASE_PATH", async () => {
    const html = await (await call("GET", "/auth/docs", { env: { BASE_PATH: "/auth" } })).text();
    expect(html).toContain('data-url="/auth/api/v1/openapi.json"');
    expect(html).toContain('src="/auth/docs/scalar.js"');
    expect((await call("GET", "/auth/docs/scalar.js", { env: { BASE_PATH: "/auth" } })).status).toBe(200);
  });
});
