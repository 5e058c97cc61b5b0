// OpenAuth's side of the bench (bench/openauth): its password provider's change flow, driven by the
// form posts its pages would send, the flow's state carried in the encrypted cookie it sets.
// Each call checks the answer it got.
import { expectStatus, postForm, postJson, request } from "./http.mjs";

/** The `provider` cookie (OpenAuth's encrypted flow state) from an answer, or the one sent. */
function stateCookie(res, sent) {
  const set = [res.headers["set-cookie"] ?? []].flat().find((c) => c.startsWith("provider="));
  return set ? set.split(";")[0] : sent;
}

export class OpenAuth {
  constructor(base) {
    this.base = base;
    this.change = `${base}/password/change`;
  }

  async hash() {
    expectStatus(await request(`${this.base}/bench/hash`, { method: "POST" }), 200, "OpenAuth hash");
  }

  async users(prefix, n, password) {
    return expectStatus(await postJson(`${this.base}/bench/users`, { prefix, n, password }), 201, "OpenAuth users").json().emails;
  }

  /** One step of the change flow: the provider's answer must be `state` with no error. */
  async step(cookie, fields, state) {
    const res = await postForm(this.change, fields, { cookie });
    const body = expectStatus(res, 200, `OpenAuth change ${fields.action}`).json();
    if (body.state !== state || body.error !== null) throw new Error(`OpenAuth change ${fields.action}: ${JSON.stringify(body)}, expected ${state}`);
    return stateCookie(res, cookie);
  }

  /**
   * The flow up to its last step: open the change page, ask for a code (action=code, "emailed"
   * to the bench's mailbox), read it and verify it (action=verify). Returns the cookie in state
   * "update", which the timed step (update) then sends.
   */
  async prepareChange(email) {
    const opened = expectStatus(await request(this.change), 200, "OpenAuth change page");
    let cookie = stateCookie(opened);
    if (!cookie) throw new Error("OpenAuth change page: no state cookie");
    cookie = await this.step(cookie, { action: "code", email }, "code");
    const code = expectStatus(await postJson(`${this.base}/bench/code`, { email }), 200, "OpenAuth code").json().code;
    return this.step(cookie, { action: "verify", code }, "update");
  }

  /** The last step: the new password, hashed and stored; the provider redirects when it is done. */
  async update(cookie, password) {
    const res = await postForm(this.change, { action: "update", password, repeat: password }, { cookie });
    expectStatus(res, 302, "OpenAuth change update");
  }

  /** Whether `password` is the user's password now (outside the timing: one scrypt). */
  async verify(email, password) {
    return expectStatus(await postJson(`${this.base}/bench/verify`, { email, password }), 200, "OpenAuth verify").json().matches;
  }
}
