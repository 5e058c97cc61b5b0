// The Workers-native peer `npm run bench` runs beside the service: OpenAuth's issuer
// (@openauthjs/openauth) with its password provider, its default ScryptHasher and its KV storage,
// under wrangler dev. The provider's UI callbacks answer JSON (the state and error the provider
// hands them) instead of HTML pages, as the bench drives the flow by its form posts.
// Besides the issuer's own routes (the change flow: GET /password/change, then POST with
// action=code, verify, update) it serves bench-only routes:
//   POST /bench/hash                        one hash with the provider's hasher
//   POST /bench/users  {prefix, n, password} n users sharing one password, hashed once
//   POST /bench/code   {email}              the code last "emailed" to that address
//   POST /bench/verify {email, password}    whether that is the user's password now
import { issuer } from "@openauthjs/openauth";
import { PasswordProvider, ScryptHasher } from "@openauthjs/openauth/provider/password";
import { CloudflareStorage } from "@openauthjs/openauth/storage/cloudflare";
import { Storage, type StorageAdapter } from "@openauthjs/openauth/storage/storage";
import { createSubjects } from "@openauthjs/openauth/subject";
import { z } from "zod";

interface BenchEnv {
  AUTH_KV: KVNamespace;
}

/** The provider's default hasher (N=16384, r=8, p=1), named so /bench/hash measures the same one. */
const hasher = ScryptHasher();

/** Codes by email, standing in for the mailbox (one isolate under wrangler dev). */
const mailbox = new Map<string, string>();

/**
 * OpenAuth 0.4.3 stores some entries (its 60 s authorization code) with a TTL under KV's minimum
 * of 60 s, which KV refuses (upstream issues #204, #302): raised to just over the minimum.
 */
function withKvMinimumTtl(adapter: StorageAdapter): StorageAdapter {
  const minimumMs = 61_000;
  return {
    get: (key) => adapter.get(key),
    remove: (key) => adapter.remove(key),
    scan: (prefix) => adapter.scan(prefix),
    set: (key, value, expiry) => adapter.set(key, value, expiry && expiry.getTime() - Date.now() < minimumMs ? new Date(Date.now() + minimumMs) : expiry),
  };
}

const json = (body: unknown, status = 200) => Response.json(body, { status });

function build(env: BenchEnv) {
  const storage = withKvMinimumTtl(CloudflareStorage({ namespace: env.AUTH_KV as never }));
  const app = issuer({
    storage,
    subjects: createSubjects({ user: z.object({ email: z.string() }) }),
    providers: {
      password: PasswordProvider({
        hasher,
        login: async (_req, _form, error) => json({ state: "login", error: error?.type ?? null }),
        register: async (_req, state, _form, error) => json({ state: state.type, error: error?.type ?? null }),
        change: async (_req, state, _form, error) => json({ state: state.type, error: error?.type ?? null }),
        sendCode: async (email, code) => {
          mailbox.set(email, code);
        },
      }),
    },
    success: async (ctx, value) => ctx.subject("user", { email: value.email }),
  });
  return { app, storage };
}

let built: ReturnType<typeof build> | undefined;

async function bench(path: string, request: Request, storage: StorageAdapter): Promise<Response> {
  if (path === "/bench/hash") {
    await hasher.hash("a bench password of ordinary length");
    return json({ ok: true });
  }
  const body = (await request.json()) as { prefix?: string; n?: number; password?: string; email?: string };
  if (path === "/bench/users") {
    const { prefix, n, password } = body;
    if (!prefix || !password || !Number.isInteger(n) || n! < 1 || n! > 5000) return json({ error: "prefix, n, password" }, 400);
    const hash = await hasher.hash(password);
    const emails = Array.from({ length: n! }, (_, i) => `${prefix}-${i}@bench.invalid`);
    for (let i = 0; i < emails.length; i += 50) {
      await Promise.all(emails.slice(i, i + 50).map((email) => Storage.set(storage, ["email", email, "password"], hash)));
    }
    return json({ emails }, 201);
  }
  if (path === "/bench/code") {
    const code = mailbox.get(body.email ?? "");
    mailbox.delete(body.email ?? "");
    return code ? json({ code }) : json({ error: "no code" }, 404);
  }
  if (path === "/bench/verify") {
    const stored = await Storage.get<{ hash: string; salt: string; N: number; r: number; p: number }>(storage, ["email", body.email ?? "", "password"]);
    return json({ matches: !!stored && (await hasher.verify(body.password ?? "", stored)) });
  }
  return json({ error: "unknown bench route" }, 404);
}

export default {
  async fetch(request: Request, env: BenchEnv, ctx: ExecutionContext): Promise<Response> {
    built ??= build(env);
    const path = new URL(request.url).pathname;
    if (path.startsWith("/bench/") && request.method === "POST") return bench(path, request, built.storage);
    return built.app.fetch(request, env, ctx);
  },
};
