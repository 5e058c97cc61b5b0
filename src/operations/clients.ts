// Who may see and change which M2M client. The admin token may act on any client of an
// application; a client only on clients of its own application (of its own tenant, when it is
// tenant-scoped), and may change only a client holding no permission it lacks itself: otherwise a
// rotation would hand it a stronger client's secret. It may rotate its own secret, but not disable
// or delete itself (another client or the admin token can).
import type { Caller } from "../auth/caller";
import { Forbidden, NotFound } from "../auth/refusals";
import { type M2mClient, clientOfApplication } from "../directory/clients";
import { type BoundaryScope, applicationInBoundary } from "./boundary";

/** The application, if the caller may list its clients; `tenantId`: the one tenant it sees, or null for all. */
export async function clientListBoundary(s: BoundaryScope, applicationId: string): Promise<{ tenantId: string | null }> {
  const caller = s.var.caller;
  if (caller.kind !== "client") {
    await applicationInBoundary(s, applicationId);
    return { tenantId: null };
  }
  if (caller.applicationId !== applicationId) throw new NotFound("Application");
  return { tenantId: caller.tenantId };
}

/** The client, if it is in the caller's boundary; absent and out of bounds read alike. */
export async function clientInBoundary(s: BoundaryScope, applicationId: string, clientId: string): Promise<M2mClient> {
  const { tenantId } = await clientListBoundary(s, applicationId);
  const client = await clientOfApplication(s.var.db, clientId, applicationId);
  if (!client || (tenantId !== null && client.tenantId !== tenantId)) throw new NotFound("Client");
  return client;
}

const holdsAll = (caller: Extract<Caller, { kind: "client" }>, permissions: string[]) => permissions.every((p) => caller.permissions.includes(p));

export type ClientChangeKind = "update" | "disable" | "delete" | "rotate" | "retire";

/** Refuses a change the caller may not make to `target`; `permissions`: the set a PATCH would give it. */
export function assertMayChangeClient(caller: Caller, target: M2mClient, kind: ClientChangeKind, permissions?: string[]): void {
  if (caller.kind !== "client") return;
  if (!holdsAll(caller, target.permissions)) throw new Forbidden("A client cannot change a client holding permissions it does not hold.");
  if (permissions && !holdsAll(caller, permissions)) throw new Forbidden("A client cannot grant permissions it does not hold.");
  if (caller.clientId === target.id && (kind === "disable" || kind === "delete")) {
    throw new Forbidden("A client cannot disable or delete itself; another client or the admin token can.");
  }
}
