// Fewer D1 round trips on the reset path (issue 17, item 4): a code is read with its user in one
// query, and the hosted pages read their code once per request.
// Each executed statement counts as one round trip, a db.batch as one.
import { describe, expect, it } from "vitest";
import { addressObject, otpAttemptsOf } from "../../support/address-object";
import { codeRowsOfUser, wrongCode } from "../../support/codes";
import { databaseOfId } from "../../support/shards";
import { type RoundTrip, roundTripsOf } from "../../support/d1-round-trips";
import { createUser, world } from "../../support/fixtures";
import { ORIGIN, PageClient, formTokenOf } from "../../support/page-client";
import { REPEATED_EMAILS, adminLinkCode, emailAuthCode, otp, resetRequest, setStrategy } from "../../support/reset";

const GOOD = "a new good password";

const readsCodes = (t: RoundTrip) => t.sql.some((q) => /^\s*select\b[\s\S]*\bfrom "reset_codes"/i.test(q));
const writes = (t: RoundTrip) => t.sql.some((q) => /^\s*(insert|update|delete|replace)\b/i.test(q));
const writesAttempts = (t: RoundTrip) => t.sql.some((q) => /^\s*update "reset_codes" set "attempts"/i.test(q));
const readsUserAlone = (t: RoundTrip) => t.sql.some((q) => /^\s*select\b[\s\S]*\bfrom "users"/i.test(q)) && !readsCodes(t);

/** Round trips per operation, for the report (the figures the bench shows as D1 calls). */
function show(operation: string, s: { before: RoundTrip[]; after: RoundTrip[] }) {
  console.info(`round trips ${operation}: ${s.before.length} before the answer, ${s.after.length} after`);
}

describe("Reset Password reads a code and its user in one query", () => {
  it("emailAuthCode and passwordResetCode: one read finds the code with its user, none reads the user alone, before the answer", async () => {
    const w = await world("rt-api");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    const user = await createUser(w, "rt-link@example.com", "old password 1");
    // Each code is made after the reset before it, which retired every earlier code.
    const cases = [
      ["link", async () => ({ emailAuthCode: await emailAuthCode(w, "rt-link@example.com") })],
      ["admin", async () => ({ passwordResetCode: await adminLinkCode(w, user.id) })],
    ] as const;
    for (const [name, code] of cases) {
      const s = await roundTripsOf(resetRequest(w.token, { ...(await code()), newPassword: `${GOOD} ${name}` }));
      show(`reset-password ${name}`, s);
      expect([s.res.status, JSON.parse(s.body)]).toEqual([200, { result: "PASSWORD_UPDATED", userId: user.id, tenantId: w.tenantId }]);
      expect(s.before.filter(readsCodes)).toHaveLength(1);
      expect(s.before.filter(readsUserAlone)).toEqual([]);
    }
  });

  it("OTP: the code and its user are read once, together, before the answer", async () => {
    const w = await world("rt-otp");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "rt-otp@example.com", "old password 1");
    const code = await otp(w, "rt-otp@example.com");
    const s = await roundTripsOf(resetRequest(w.token, { ...code, newPassword: GOOD }));
    show("reset-password otp", s);
    expect(JSON.parse(s.body).result).toBe("PASSWORD_UPDATED");
    expect(s.before.filter(readsCodes)).toHaveLength(1);
    expect(s.before.filter(readsUserAlone)).toEqual([]);
  });
});

/** The held-code cookie a browser sends after following `path`'s 303. */
async function heldCookie(path: string) {
  const browser = new PageClient();
  const form = await browser.follow(await browser.get(path));
  expect(form.status).toBe(200);
  return { form, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v.value}`).join("; ") };
}

function pagePost(path: string, cookie: string, fields: Record<string, string>) {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { Cookie: cookie, "CF-Connecting-IP": "10.9.8.7", Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

describe("an OTP reset reads its code once and takes its attempt in the address's object, not in D1", () => {
  it("right and wrong verificationCode: one round trip reads the code, none writes before the answer; the answers are unchanged", async () => {
    const w = await world("rt-otp-reserve");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    const user = await createUser(w, "rt-reserve@example.com", "old password 1");
    const code = await otp(w, "rt-reserve@example.com");
    const wrong = await roundTripsOf(resetRequest(w.token, { ...code, verificationCode: wrongCode(code.verificationCode), newPassword: GOOD }));
    show("reset-password otp, wrong code", wrong);
    expect(JSON.parse(wrong.body)).toEqual({ result: "INVALID_CODE" });
    const right = await roundTripsOf(resetRequest(w.token, { ...code, newPassword: GOOD }));
    show("reset-password otp, right code", right);
    expect(JSON.parse(right.body).result).toBe("PASSWORD_UPDATED");
    for (const s of [wrong, right]) {
      expect(s.before.filter(readsCodes)).toHaveLength(1);
      expect(s.before.filter(writesAttempts)).toEqual([]);
      expect(s.after.filter(writesAttempts)).toEqual([]);
    }
    expect(wrong.before.filter(writes)).toEqual([]);
    // The wrong guess spent one attempt, in the address's object; the right one gave back its own.
    const row = (await codeRowsOfUser(user.id)).find((r) => r.kind === "EMAIL_OTP")!;
    const subject = (await databaseOfId(row.id).prepare("SELECT subject_key FROM reset_codes WHERE id = ?").bind(row.id).first<string>("subject_key"))!;
    expect(row.attempts).toBe(0);
    expect(await otpAttemptsOf(addressObject(subject), row.id)).toBe(1);
  });
});

describe("the hosted reset pages read their code once per request", () => {
  it("a usable link: the form GET and the POST each read the code once, with its user", async () => {
    const w = await world("rt-page");
    await setStrategy(w, "LINK", REPEATED_EMAILS);
    await createUser(w, "rt-page@example.com", "old password 1");
    const code = await emailAuthCode(w, "rt-page@example.com");
    const { form, cookie } = await heldCookie(`/reset-password?emailAuthCode=${code}`);
    const get = await roundTripsOf(new Request(`${ORIGIN}/reset-password`, { headers: { Cookie: cookie, "CF-Connecting-IP": "10.9.8.7" } }));
    show("page form GET", get);
    expect(get.res.status).toBe(200);
    expect(get.body).toContain('autocomplete="username" value="rt-page@example.com"');
    expect(get.before.filter(readsCodes)).toHaveLength(1);
    expect(get.before.filter(readsUserAlone)).toEqual([]);
    const post = await roundTripsOf(pagePost("/reset-password", cookie, { formToken: formTokenOf(form.html), newPassword: GOOD, confirmPassword: GOOD }));
    show("page POST", post);
    expect(post.res.status).toBe(200);
    expect(post.body).toContain("Your password is changed");
    expect(post.before.filter(readsCodes)).toHaveLength(1);
    expect(post.before.filter(readsUserAlone)).toEqual([]);
  });

  it("an OTP: the POST reads the code once, with its user", async () => {
    const w = await world("rt-page-otp");
    await setStrategy(w, "OTP", REPEATED_EMAILS);
    await createUser(w, "rt-page-otp@example.com", "old password 1");
    const { requestCode, verificationCode } = await otp(w, "rt-page-otp@example.com");
    const { form, cookie } = await heldCookie(`/reset-password/otp?requestCode=${requestCode}&tenantId=${w.tenantId}`);
    const post = await roundTripsOf(pagePost("/reset-password/otp", cookie, { formToken: formTokenOf(form.html), verificationCode, newPassword: GOOD, confirmPassword: GOOD }));
    show("OTP page POST", post);
    expect(post.res.status).toBe(200);
    expect(post.body).toContain("Your password is changed");
    expect(post.before.filter(readsCodes)).toHaveLength(1);
    expect(post.before.filter(readsUserAlone)).toEqual([]);
  });
});
