// An example host Worker: its own routes for login and password reset, each one RPC call to the
// service over the PASSWORD_RESET binding. It answers the RPC result as JSON, with the HTTP status
// the service names for a failure; a real host would render its own pages from the same result.
import type { EndUser, PasswordResetRpc, RpcResult } from "edge-password-reset/rpc";
import { rpcFailureOf } from "edge-password-reset/rpc";

interface Env {
  PASSWORD_RESET: PasswordResetRpc;
}

/** The end user's address spends its own budget at the service (needs the client's `end-user-ip:assert`). */
function endUserOf(request: Request): EndUser {
  const ip = request.headers.get("CF-Connecting-IP");
  return ip ? { endUserIp: ip } : {};
}

function answer(result: RpcResult<unknown>): Response {
  if (result.ok) return Response.json(result);
  const { status, retryAfter } = result.error;
  return Response.json(result, { status, headers: retryAfter === null ? {} : { "Retry-After": String(retryAfter) } });
}

/**
 * What is thrown is a bug at the service (500 `internal_error`, read back from the message) or the
 * platform's own failure, such as a binding that reaches no service.
 */
function thrown(e: unknown): Response {
  const failure = rpcFailureOf(e) ?? { status: 502, code: "service_failed", message: "The password reset service failed.", retryable: false, retryAfter: null };
  return Response.json({ ok: false, error: failure }, { status: failure.status });
}

export default {
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url);
    const service = env.PASSWORD_RESET;
    try {
      // Whether the binding reaches the service: a call that spends no rate-limit budget.
      if (request.method === "GET" && pathname === "/health") return answer(await service.introspect({ token: "" }));
      if (request.method !== "POST") return new Response("Not found", { status: 404 });
      // Forwarded as the service's schemas validate them: a malformed body is the service's 400.
      const body = (await request.json().catch(() => ({}))) as never;
      switch (pathname) {
        case "/login":
          return answer(await service.login(body, endUserOf(request)));
        case "/password-reset/request":
          return answer(await service.requestPasswordReset(body, endUserOf(request)));
        case "/password-reset/reset":
          return answer(await service.resetPassword(body, endUserOf(request)));
        default:
          return new Response("Not found", { status: 404 });
      }
    } catch (e) {
      return thrown(e);
    }
  },
} satisfies ExportedHandler<Env>;
