import { z } from "@hono/zod-openapi";
import { PERMISSIONS } from "../../config/permissions";
import type { M2mClient } from "../../directory/clients";
import { Id, iso } from "./common";

export const ClientPermissions = z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length);

export const Client = z
  .object({
    id: Id,
    applicationId: Id,
    tenantId: Id.nullable(),
    name: z.string(),
    permissions: z.array(z.enum(PERMISSIONS)),
    disabled: z.boolean().openapi({ description: "A disabled client cannot authenticate, and its access tokens answer 401." }),
    previousSecretRetiresAt: z
      .string()
      .nullable()
      .openapi({ format: "date-time", description: "Until when the secret replaced by the latest rotation still works; null when none does." }),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Client");

/** The client as the API shows it: never a secret or its hash. */
export function presentClient(c: M2mClient, now = Date.now()): z.output<typeof Client> {
  const overlap = c.previousSecretHash !== null && c.previousSecretRetiresAt !== null && c.previousSecretRetiresAt > now;
  return {
    id: c.id,
    applicationId: c.applicationId,
    tenantId: c.tenantId,
    name: c.name,
    permissions: c.permissions as (typeof PERMISSIONS)[number][],
    disabled: c.disabledAt !== null,
    previousSecretRetiresAt: overlap ? iso(c.previousSecretRetiresAt!) : null,
    createdAt: iso(c.createdAt),
  };
}

export const ClientParams = z.object({ applicationId: Id, clientId: Id });
