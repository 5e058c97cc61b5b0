// An unknown path: a browser (Accept: text/html) gets an HTML page, an API caller the documented
// JSON error. Paths under /api/ always answer JSON.
import { describe, expect, it } from "vitest";
import { call } from "../../support/api";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("an unknown path", () => {
  it("answers a browser with an HTML 404 page, with the pages' headers", async () => {
    const res = await call("GET", "/no-such-page", { headers: { Accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("Page not found");
  });

  it("answers in the browser's language", async () => {
    const res = await call("GET", "/no-such-page", { headers: { Accept: BROWSER_ACCEPT, "Accept-Language": "de" } });
    expect(await res.text()).toContain("Seite nicht gefunden");
  });

  it("answers JSON to a caller that does not ask for HTML, and under /api/ whatever it asks", async () => {
    for (const [path, accept] of [
      ["/no-such-page", "application/json"],
      ["/no-such-page", "*/*"],
      ["/no-such-page", undefined],
      ["/api/v1/no-such-route", BROWSER_ACCEPT],
      ["/api/no-such-route", BROWSER_ACCEPT],
    ] as const) {
      const res = await call("GET", path, accept ? { headers: { Accept: accept } } : {});
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ type: "base_error", code: "not_found", message: "Route not found." });
    }
  });
});
