// RPC for Workers on the same account, over a service binding:
//   [[services]] binding = "PASSWORD_RESET", service = "edge-password-reset", entrypoint = "PasswordResetService"
// Each method runs the same Hono app in-process (no network hop), so authentication, boundaries,
// validation and results are exactly those of HTTP. Methods resolve to { status, body }.
import { WorkerEntrypoint } from "cloudflare:workers";
import { app } from "../http/app";

/** A reserved name (RFC 2606): nothing may ever derive a link from it. */
const RPC_ORIGIN = "https://rpc.invalid";

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface RpcResult<T = unknown> {
  status: number;
  body: T;
}

export class PasswordResetService extends WorkerEntrypoint<Env> {
  /** POST /api/v1/oauth2/token (client_credentials): the access token the other methods take. */
  token(client: ClientCredentials): Promise<RpcResult> {
    return this.form("/api/v1/oauth2/token", client, { grant_type: "client_credentials" });
  }

  login(accessToken: string, body: { tenantId: string; email: string; password: string }): Promise<RpcResult> {
    return this.json("/api/v1/login", accessToken, body);
  }

  refresh(client: ClientCredentials, refreshToken: string): Promise<RpcResult> {
    return this.form("/api/v1/oauth2/token", client, { grant_type: "refresh_token", refresh_token: refreshToken });
  }

  introspect(client: ClientCredentials, token: string): Promise<RpcResult> {
    return this.form("/api/v1/oauth2/introspect", client, { token });
  }

  requestPasswordReset(accessToken: string, body: { tenantId: string; email: string; clientId?: string }): Promise<RpcResult> {
    return this.json("/api/v1/password-reset/request-password-reset", accessToken, body);
  }

  createPasswordResetLink(accessToken: string, body: { userId: string }): Promise<RpcResult> {
    return this.json("/api/v1/password-reset/create-password-reset-link", accessToken, body);
  }

  resetPassword(accessToken: string, body: Record<string, unknown>): Promise<RpcResult> {
    return this.json("/api/v1/password-reset/reset-password", accessToken, body);
  }

  /** Takes the end user's own access token (Self boundary), as over HTTP. */
  changePassword(userAccessToken: string, body: { userId: string; currentPassword: string; newPassword: string }): Promise<RpcResult> {
    return this.json("/api/v1/change-password", userAccessToken, body);
  }

  private json(path: string, bearer: string, body: unknown): Promise<RpcResult> {
    return this.dispatch(path, { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" }, JSON.stringify(body));
  }

  private form(path: string, client: ClientCredentials, params: Record<string, string>): Promise<RpcResult> {
    const basic = btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`);
    return this.dispatch(
      path,
      { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
      new URLSearchParams(params).toString(),
    );
  }

  private async dispatch(path: string, headers: Record<string, string>, body: string): Promise<RpcResult> {
    // The URL only routes the call: emailed links take their origin from PUBLIC_BASE_URL, never from it.
    const res = await app.fetch(new Request(`${RPC_ORIGIN}${path}`, { method: "POST", headers, body }), this.env, this.ctx);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}
