// Hostile input on the hosted pages, the way test/http/hostile-input.test.ts treats the API: whatever
// a browser (or anything posing as one) sends to a page, the answer is never a 5xx and always HTML.
// A form the service cannot read (another charset, a multipart body without its boundary, no form
// at all) is the sender's mistake, so it gets a 400 page: "try again later" would never help.
import fc from "fast-check";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createUser, world } from "../../support/fixtures";
import { ORIGIN, PageClient, formTokenOf } from "../../support/page-client";
import { adminLinkCode } from "../../support/reset";

const PAGES = ["/reset-password", "/reset-password/otp", "/forgot-password"] as const;
const RUNS = 40;

/** Content types whose body no page can read as the form it sent. */
const UNREADABLE_TYPES = [
  "application/x-www-form-urlencoded; charset=utf-16",
  "application/x-www-form-urlencoded; charset=latin1",
  "application/x-www-form-urlencoded; charset=bogus",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "application/json",
  "text/plain",
];

/** What a page needs to get past its cookie and form-token checks, so the body is really read. */
interface Session {
  cookie: string;
  formToken: string;
  query: string;
}
const sessions = new Map<(typeof PAGES)[number], Session>();

function cookieHeader(browser: PageClient): string {
  return [...browser.cookies].map(([k, v]) => `${k}=${v.value}`).join("; ");
}

beforeAll(async () => {
  const w = await world("hostile-pages");
  const user = await createUser(w, "hostile-pages@example.com", "old password 1");
  const link = new PageClient();
  const linkForm = await link.follow(await link.get(`/reset-password?passwordResetCode=${await adminLinkCode(w, user.id)}`));
  sessions.set("/reset-password", { cookie: cookieHeader(link), formToken: formTokenOf(linkForm.html), query: "" });
  const otp = new PageClient();
  const otpForm = await otp.follow(await otp.get(`/reset-password/otp?requestCode=notStoredYet123&tenantId=${w.tenantId}`));
  sessions.set("/reset-password/otp", { cookie: cookieHeader(otp), formToken: formTokenOf(otpForm.html), query: "" });
  const forgot = new PageClient();
  const forgotForm = await forgot.get(`/forgot-password?tenantId=${w.tenantId}`);
  sessions.set("/forgot-password", { cookie: cookieHeader(forgot), formToken: formTokenOf(forgotForm.html), query: `?tenantId=${w.tenantId}` });
});

function send(path: string, init: { method: string; headers: Record<string, string>; body?: string | Uint8Array }) {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { ...init, redirect: "manual" }));
}

function sameOriginPost(page: (typeof PAGES)[number], contentType: string, body: string) {
  const s = sessions.get(page)!;
  return send(`${page}${s.query}`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "Content-Type": contentType, Cookie: s.cookie, "CF-Connecting-IP": freshIp() },
    body,
  });
}

let ipCounter = 0;
/** A documentation address per request, so the pages' per-IP budget never decides an answer here. */
function freshIp(): string {
  ipCounter++;
  return `2001:db8:${(ipCounter >> 16) & 0xffff}:${ipCounter & 0xffff}::1`;
}

describe("a form the pages cannot read", () => {
  it.each(PAGES.flatMap((page) => UNREADABLE_TYPES.map((type) => [page, type] as const)))("POST %s as %s answers a 400 page", async (page, type) => {
    const s = sessions.get(page)!;
    const res = await sameOriginPost(page, type, `formToken=${s.formToken}&email=a%40example.com&newPassword=x&confirmPassword=x`);
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Retry-After")).toBeNull();
    expect(html).toContain("This form could not be read");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
  });

  it("answers a body over the limit with a 413 page, in HTML, with the pages' headers", async () => {
    const s = sessions.get("/forgot-password")!;
    const res = await sameOriginPost("/forgot-password", "application/x-www-form-urlencoded", `formToken=${s.formToken}&email=${"a".repeat(20_000)}`);
    expect(res.status).toBe(413);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(await res.text()).toContain("This form could not be read");
  });
});

// Strings an attacker tries, as in the API's hostile-input test.
const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "\ud800", "\u202e", "\ufeff", "💥".repeat(50), "' OR 1=1 --", "__proto__", "constructor", "%00", "../..", "a@b.c"),
  fc.tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 3 }), fc.integer({ min: 100, max: 7000 })).map(([s, n]) => s.repeat(n)),
);
const encoded = (s: string) => [...new TextEncoder().encode(s)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
const encodedBytes = fc.uint8Array({ maxLength: 40 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""));

const FIELDS = ["formToken", "email", "newPassword", "confirmPassword", "verificationCode", "cf-turnstile-response", "__proto__", "constructor", "email[]", "a.b.c"];

const contentType = fc.constantFrom(
  undefined,
  "",
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; charset=UTF-8",
  'application/x-www-form-urlencoded; charset="utf-8"',
  ...UNREADABLE_TYPES,
  "application/x-www-form-urlencoded;;",
  "APPLICATION/X-WWW-FORM-URLENCODED",
  "multipart/form-data; boundary=xyz",
  "multipart/form-data; boundary=xyz; charset=utf-16",
  "text/html",
  "*/*",
);

/** A body: a real-looking form, raw bytes, multipart with the boundary above, or nothing. */
const body = (formToken: string) =>
  fc.oneof(
    fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.oneof(hostileString, fc.constant(formToken))), { maxLength: 8 }).map((pairs) => pairs.map(([k, v]) => `${encoded(k)}=${encoded(v)}`).join("&")),
    fc.string({ unit: "binary", maxLength: 80 }),
    fc.uint8Array({ maxLength: 200 }),
    fc.array(fc.tuple(fc.constantFrom(...FIELDS), hostileString), { maxLength: 4 }).map(
      (parts) => `${parts.map(([k, v]) => `--xyz\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("")}--xyz--\r\n`,
    ),
    fc.constantFrom("", "=", "&&&", "%", "%zz=%zz", "formToken", `formToken=${formToken}&formToken=${formToken}`),
    fc.integer({ min: 16_000, max: 40_000 }).map((n) => `email=${"a".repeat(n)}`),
  );

function queryFor(page: (typeof PAGES)[number], s: Session): fc.Arbitrary<string> {
  const keys = fc.oneof(fc.constantFrom("tenantId", "lang", "emailAuthCode", "passwordResetCode", "requestCode", "__proto__", "constructor"), encodedBytes);
  const values = fc.oneof(encodedBytes, hostileString.map(encoded), fc.constantFrom("", "%", "%zz", "de", "xx-YY", "1e999"));
  const extra = fc.array(fc.tuple(keys, values), { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));
  return fc.tuple(fc.boolean(), extra).map(([keep, more]) => {
    const base = keep && page === "/forgot-password" ? s.query.slice(1) : "";
    const joined = [base, more].filter(Boolean).join("&");
    return joined ? `?${joined}` : "";
  });
}

/** Headers a browser would send, and what a forger adds. */
const forgedHeaders = (s: Session) =>
  fc.record(
    {
      Origin: fc.constantFrom(ORIGIN, "null", "https://evil.example", "http://localhost:8787/", ""),
      "Sec-Fetch-Site": fc.constantFrom("same-origin", "cross-site", "none", "same-site", "bogus"),
      Cookie: fc.oneof(
        fc.constant(s.cookie),
        fc.constantFrom("reset_code=otp.x.y.z", "reset_code=link.", "reset_code=admin.abc.def", "form_nonce=%%%", "reset_code=\u00ff", "a=b; a=c", `${s.cookie}; ${s.cookie}`),
        hostileString.map((v) => `reset_code=${encoded(v)}`),
      ),
      "Accept-Language": fc.oneof(hostileString.map(encoded), fc.constantFrom("de", "*", "de;q=abc", "x".repeat(5000))),
      Host: fc.constantFrom("evil.example", "localhost:8787", ""),
      "X-Forwarded-For": fc.constantFrom("127.0.0.1", "::1, 10.0.0.1"),
      "X-Forwarded-Host": fc.constant("evil.example"),
      "CF-Connecting-IP": fc.oneof(fc.constant(undefined), fc.constantFrom("", "not-an-ip", "1.2.3.4, 5.6.7.8", "::ffff:1.2.3.4", "fe80::1%eth0")),
      Accept: fc.constantFrom("text/html", "*/*", "application/json"),
    },
    { requiredKeys: ["Cookie"] },
  );

describe("hostile input on the hosted pages never gets a 5xx", () => {
  it.each(PAGES.flatMap((page) => ["GET", "POST"].map((method) => [method, page] as const)))("%s %s", async (method, page) => {
    const s = sessions.get(page)!;
    let failure = "";
    const details = await fc.check(
      fc.asyncProperty(queryFor(page, s), forgedHeaders(s), contentType, method === "GET" ? fc.constant(undefined) : fc.option(body(s.formToken), { nil: undefined }), async (query, forged, type, payload) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(forged)) if (v !== undefined) headers[k] = v;
        // A forged address that is not one still counts somewhere; a fresh one keeps the budget out of the way.
        headers["CF-Connecting-IP"] ??= freshIp();
        if (type !== undefined) headers["Content-Type"] = type;
        const res = await send(`${page}${query}`, { method, headers, body: payload });
        const text = await res.text();
        try {
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
          const sameOrigin = headers.Origin === ORIGIN || headers["Sec-Fetch-Site"] === "same-origin";
          if (method === "POST" && sameOrigin && type !== undefined && UNREADABLE_TYPES.includes(type) && res.status !== 429) {
            // An unreadable form is a 400, or a 413 when it is also over the size limit.
            expect([400, 413]).toContain(res.status);
          }
        } catch (e) {
          // JSON keeps lone surrogates and raw bytes out of the report (the test runner's channel wants UTF-8).
          failure = JSON.stringify({ request: `${method} ${page}${query.slice(0, 80)}`, type, headers, body: String(payload).slice(0, 120), status: res.status, answer: text.slice(0, 200) }).slice(0, 1200);
          throw e;
        }
      }),
      { numRuns: RUNS },
    );
    expect(details.failed ? failure : "").toBe("");
  });
});
