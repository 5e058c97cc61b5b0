// The users of a tenant, as both edges take and answer them.
import { z } from "@hono/zod-openapi";
import { Id, iso } from "./id";
import { CursorParam } from "./page-cursor";

const Email = z.email().max(320).openapi({ example: "alice@example.com" });

export const UserStatus = z.enum(["ACTIVE", "INACTIVE"]).openapi({ description: "INACTIVE users cannot log in, refresh, change the password or reset it." });

export const CreateUserBody = z
  .object({
    tenantId: Id,
    email: Email,
    password: z.string().min(1).max(1024).optional().openapi({ description: "Checked against the tenant's password rules (lengths, contains_email, breached); see PasswordPolicyViolation." }),
    status: UserStatus.optional().openapi({ description: "Default ACTIVE." }),
  })
  .strict();

export const ListUsersQuery = z.object({ email: Email.optional(), limit: z.coerce.number().int().min(1).max(200).default(50), cursor: CursorParam.optional() });

export const presentUser = (u: { id: string; applicationId: string; tenantId: string; email: string; status: "ACTIVE" | "INACTIVE"; createdAt: number }) => ({
  id: u.id,
  applicationId: u.applicationId,
  tenantId: u.tenantId,
  email: u.email,
  status: u.status,
  createdAt: iso(u.createdAt),
});
