// A small cookie-keeping client for the hosted pages, driving the real Worker in workerd. The
// browser tests (test/browser) drive the same pages in Chromium; this one checks headers and storage.
import { exports } from "cloudflare:workers";
import { fetchWithEnv } from "./api";

/** The configured public origin in tests (ENVIRONMENT=development, PUBLIC_BASE_URL unset). */
export const ORIGIN = "http://localhost:8787";

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
  location: string | null;
}

export class PageClient {
  readonly cookies = new Map<string, { value: string; attributes: string }>();
  /**
   * Cloudflare's edge gives every browser request its CF-Connecting-IP; each client is one visitor
   * with its own, so the pages' per-IP budget counts each test's requests apart. `defaults` may set another.
   */
  private readonly address = `10.${[...crypto.getRandomValues(new Uint8Array(3))].join(".")}`;

  constructor(
    private readonly defaults: Record<string, string> = {},
    /** Configuration that differs from the test runtime's (for example BASE_PATH). */
    private readonly env?: Partial<Env>,
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.send(new Request(`${ORIGIN}${path}`, { headers: this.headers(headers), redirect: "manual" }));
  }

  /** A same-origin form POST, as a browser sends it. */
  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<PageResponse> {
    const h = this.headers({ Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded", ...headers });
    return this.send(new Request(`${ORIGIN}${path}`, { method: "POST", headers: h, body: new URLSearchParams(fields), redirect: "manual" }));
  }

  /** Follows one 303 like a browser. */
  async follow(res: PageResponse, headers: Record<string, string> = {}): Promise<PageResponse> {
    if (res.status !== 303 || !res.location) throw new Error(`expected a 303, got ${res.status}`);
    return this.get(res.location, headers);
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v.value}`).join("; ");
    return { "CF-Connecting-IP": this.address, ...this.defaults, ...(cookie ? { Cookie: cookie } : {}), ...extra };
  }

  private async send(req: Request): Promise<PageResponse> {
    const res = this.env ? await fetchWithEnv(req, this.env) : await exports.default.fetch(req);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes: attrs.join(";").trim() });
    }
    return { status: res.status, headers: res.headers, html: await res.text(), location: res.headers.get("Location") };
  }
}

export function formTokenOf(html: string): string {
  const m = /name="formToken" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no form token in page");
  return m[1]!;
}

/** The text of the element with this id, tags stripped. */
export function textOf(html: string, id: string): string | null {
  const m = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  return m ? m[1]!.trim() : null;
}
