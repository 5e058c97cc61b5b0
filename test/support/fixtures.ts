// Provisions applications, tenants, clients and users through the public API, as a host would.
import { PERMISSIONS } from "../../src/config/permissions";
import { ADMIN, call, callJson, form } from "./api";

export async function clientToken(id: string, secret: string): Promise<string> {
  const res = await form("/api/v1/oauth2/token", { grant_type: "client_credentials" }, { id, secret });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * A client token from the service run with `env` changed. A token names its issuer, which is
 * PUBLIC_BASE_URL: one minted under another configuration is not this service's.
 */
export async function clientTokenUnder(env: Partial<Env>, id: string, secret: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: id, client_secret: secret }).toString();
  const res = await call("POST", "/api/v1/oauth2/token", { env, body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface World {
  applicationId: string;
  tenantId: string;
  /** Application boundary, every permission. */
  token: string;
  clientId: string;
  clientSecret: string;
}

/** A fresh application with one tenant and an all-permission client at Application boundary. */
export async function world(name = "acme"): Promise<World> {
  const app = await callJson("POST", "/api/v1/applications", { token: ADMIN, body: { name } });
  const tenant = await callJson("POST", "/api/v1/tenants", { token: ADMIN, body: { applicationId: app.body.id, name: `${name}-tenant` } });
  const client = await callJson("POST", `/api/v1/applications/${app.body.id}/clients`, {
    token: ADMIN,
    body: { name: `${name}-backend`, permissions: [...PERMISSIONS] },
  });
  if (client.status !== 201) throw new Error(`client: ${client.status} ${JSON.stringify(client.body)}`);
  return {
    applicationId: app.body.id,
    tenantId: tenant.body.id,
    clientId: client.body.id,
    clientSecret: client.body.clientSecret,
    token: await clientToken(client.body.id, client.body.clientSecret),
  };
}

/** A client with just these permissions, optionally at Tenant boundary; returns its token. */
export async function scopedToken(w: World, permissions: string[], tenantId?: string): Promise<string> {
  const client = await callJson("POST", `/api/v1/applications/${w.applicationId}/clients`, {
    token: ADMIN,
    body: { name: "scoped", permissions, ...(tenantId ? { tenantId } : {}) },
  });
  if (client.status !== 201) throw new Error(`client: ${client.status} ${JSON.stringify(client.body)}`);
  return clientToken(client.body.id, client.body.clientSecret);
}

export async function createUser(w: World, email: string, password?: string, tenantId = w.tenantId) {
  const res = await callJson("POST", "/api/v1/users", { token: w.token, body: { tenantId, email, ...(password ? { password } : {}) } });
  if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; tenantId: string; applicationId: string; email: string };
}
