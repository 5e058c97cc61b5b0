// Calls the service over RPC the way a host application does: through the second Worker of
// test/fixtures/host-app.js and its service binding.
import { env } from "cloudflare:workers";

/** Asks the second Worker to call one RPC method of the service through its service binding. */
export async function viaHost(method: string, ...args: unknown[]): Promise<{ status: number; body: any }> {
  const res = await env.HOST_APP.fetch("http://host-app/", { method: "POST", body: JSON.stringify({ method, args }) });
  return res.json();
}
