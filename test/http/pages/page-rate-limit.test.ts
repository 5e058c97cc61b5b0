// The hosted pages' per-IP budget counts every request. One that lacks a parsable CF-Connecting-IP
// (not through Cloudflare's edge, or a value that is not one address) is not let off: all such
// requests share one budget. TEST_RATE_LIMIT_TWO (two per 60 s, vitest.config.ts) stands in for
// the production binding; windows are fixed 60 s windows, so the case runs inside one.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { world } from "../../support/fixtures";
import { fetchWithEnv } from "../../support/api";
import { ORIGIN, PageClient } from "../../support/page-client";
import { inOneWindow } from "../../support/rate-limit-window";


it("counts requests without a parsable CF-Connecting-IP under one shared key, and serves a real address apart", async () => {
  const w = await world("no-address");
  const overrides = { RATE_LIMIT_PAGE_IP: env.TEST_RATE_LIMIT_TWO };
  const form = `/forgot-password?tenantId=${w.tenantId}`;
  // Raw requests: a PageClient, like Cloudflare's edge, always sends an address.
  const get = (headers: Record<string, string>) => fetchWithEnv(new Request(`${ORIGIN}${form}`, { headers }), overrides);
  await inOneWindow(async () => {
    expect((await get({})).status).toBe(200);
    expect((await get({ "CF-Connecting-IP": "not-an-address" })).status).toBe(200);
    for (const forged of [{}, { "CF-Connecting-IP": "" }, { "CF-Connecting-IP": "1.2.3.4, 5.6.7.8" }, { "CF-Connecting-IP": "fe80::1%eth0" }] as Record<string, string>[]) {
      const over = await get(forged);
      expect(over.status).toBe(429);
      expect(over.headers.get("Retry-After")).toBe("60");
      expect(await over.text()).toContain("Too many requests");
    }
    expect((await new PageClient({}, overrides).get(form)).status).toBe(200);
  });
});
