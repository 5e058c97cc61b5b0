import { callJson, form } from "./api";
import type { World } from "./fixtures";

export async function login(w: World, email: string, password: string, tenantId = w.tenantId) {
  return callJson("POST", "/api/v1/login", { token: w.token, body: { tenantId, email, password } });
}

export async function loginOk(w: World, email: string, password: string) {
  const res = await login(w, email, password);
  if (res.body?.result !== "SUCCESS") throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { userId: string; sessionId: string; accessToken: string; refreshToken: string; expiresIn: number };
}

const basic = (w: World) => ({ id: w.clientId, secret: w.clientSecret });

export async function refresh(w: World, refreshToken: string) {
  const res = await form("/api/v1/oauth2/token", { grant_type: "refresh_token", refresh_token: refreshToken }, basic(w));
  return { status: res.status, body: (await res.json()) as any };
}

export async function introspect(w: World, token: string) {
  const res = await form("/api/v1/oauth2/introspect", { token }, basic(w));
  return (await res.json()) as { active: boolean; [k: string]: unknown };
}

export async function revokeToken(w: World, token: string) {
  return form("/api/v1/oauth2/revoke", { token }, basic(w));
}
