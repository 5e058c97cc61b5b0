// Calls the service over RPC the way a host application does: from the second Worker of
// test/fixtures/host-app.js, through its service binding, typed by the package's `./rpc` export.
import { serviceConfig } from "../../src/config/service-config";
import { env } from "cloudflare:workers";
import type { PasswordResetRpc, RpcFailure, RpcResult } from "edge-password-reset/rpc";
import { PERMISSIONS } from "../../src/config/permissions";
import { database } from "../../src/db/client";
import { createClient } from "../../src/directory/clients";
import { ADMIN, callJson } from "./api";
import { type World, clientToken } from "./fixtures";

/** The client that vitest.config.ts names in the host Worker's binding `props`. */
export const RPC_CLIENT_ID = "rpchostclient0000000000000";

type Binding = "AUTH" | "AUTH_UNBOUND";

async function viaHost(binding: Binding, method: string, input: unknown): Promise<unknown> {
  const res = await env.HOST_APP.fetch("http://host-app/rpc", { method: "POST", body: JSON.stringify({ binding, method, input }) });
  const { answer, thrown } = (await res.json()) as { answer?: unknown; thrown?: { name: string; message: string } };
  if (thrown) throw Object.assign(new Error(thrown.message), { name: thrown.name });
  return answer;
}

/** The value of a call that must succeed. */
export async function succeeded<T>(call: Promise<RpcResult<T>>): Promise<T> {
  const result = await call;
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The failure of a call that must fail. */
export async function failed(call: Promise<RpcResult<unknown>>): Promise<RpcFailure> {
  const result = await call;
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

function client(binding: Binding): PasswordResetRpc {
  return new Proxy({} as PasswordResetRpc, {
    get: (_target, method: string) => (input: unknown) => viaHost(binding, method, input),
  });
}

/** The service as the host Worker's binding sees it (bound to RPC_CLIENT_ID). */
export const rpc = client("AUTH");
/** A binding without props: it names no application. */
export const unboundRpc = client("AUTH_UNBOUND");

let bound: Promise<World> | null = null;

/**
 * The application the binding stands for: an application and tenant made through the API, and the
 * bound client (all permissions, Application boundary) with the id the binding names. Once per test file.
 */
export function boundWorld(): Promise<World> {
  bound ??= (async () => {
    const app = await callJson("POST", "/api/v1/applications", { token: ADMIN, body: { name: "rpc-host" } });
    const tenant = await callJson("POST", "/api/v1/tenants", { token: ADMIN, body: { applicationId: app.body.id, name: "rpc-host-tenant" } });
    const { clientSecret } = await createClient(database(env), (await serviceConfig(env)).secretHashKeys, {
      id: RPC_CLIENT_ID,
      applicationId: app.body.id,
      tenantId: null,
      name: "host worker",
      permissions: [...PERMISSIONS],
    });
    return {
      applicationId: app.body.id,
      tenantId: tenant.body.id,
      clientId: RPC_CLIENT_ID,
      clientSecret,
      token: await clientToken(RPC_CLIENT_ID, clientSecret),
    };
  })();
  return bound;
}
