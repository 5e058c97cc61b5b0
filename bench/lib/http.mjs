// A small keep-alive HTTP client for loopback load: cheaper per request than fetch, so that the
// load generator takes less of the two cores from the servers it measures.
import http from "node:http";

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One request; resolves to { status, text, json() }. Never follows redirects. */
export function request(url, { method = "GET", headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: payload ? { ...headers, "content-length": payload.length } : headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(120_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    if (payload) req.write(payload);
    req.end();
  });
}

export const postJson = (url, body, headers = {}) =>
  request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

export const postForm = (url, fields, headers = {}) =>
  request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });

/** Throws unless the status is the expected one; the message carries the body for diagnosis. */
export function expectStatus(res, status, what) {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  return res;
}

export function closeConnections() {
  agent.destroy();
}
