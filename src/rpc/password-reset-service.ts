// RPC for Workers on the same account, over a service binding whose props name the calling
// application's M2M client:
//   [[services]] binding = "PASSWORD_RESET", service = "edge-password-reset",
//                entrypoint = "PasswordResetService", props = { clientId = "…" }
// Only Workers of the account that owns this service can bind it, so the binding itself
// authenticates the caller: no client secret, no access token. Each method checks the permission
// and boundary its HTTP route checks, validates with the schema both edges share, and calls the
// same operation (src/operations) as the route.
import { WorkerEntrypoint } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import { actorOf } from "../audit/context";
import { authenticate } from "../auth/authenticate";
import { type Caller, hasPermission } from "../auth/caller";
import { Forbidden, Unauthenticated } from "../auth/refusals";
import { grantedScope } from "../auth/scope";
import { END_USER_PERMISSIONS } from "../config/permissions";
import { serviceConfig } from "../config/service-config";
import { database, replicaDatabase } from "../db/client";
import { type M2mClient, enabledClient } from "../directory/clients";
import type { BoundaryScope } from "../operations/boundary";
import * as passwordReset from "../operations/password-reset";
import { ChangePasswordBody, CreatePasswordResetLinkBody, RequestPasswordResetBody, ResetPasswordBody } from "../operations/schemas/password-reset";
import { Id } from "../operations/schemas/id";
import { LoginBody } from "../operations/schemas/login";
import { CreateUserBody, ListUsersQuery } from "../operations/schemas/users";
import { violationsOf } from "../operations/schemas/violations-of";
import * as sessions from "../operations/sessions";
import * as users from "../operations/users";
import { ConstraintViolationsError } from "../policy/violations";
import type { BudgetedOperation } from "../rate-limits/budgets";
import { spendClientBudgets } from "../rate-limits/client-budgets";
import type { WorkflowDeps } from "../workflows/deps";
import { introspect, refresh, revoke } from "../workflows/sessions/tokens";
import type * as Rpc from "./contract";
import { PasswordResetServiceError, failureResult } from "./service-error";

export { PasswordResetServiceError } from "./service-error";

/** What a method runs with: the workflows' dependencies, the bound client and the caller it stands for. */
interface Scope extends BoundaryScope, WorkflowDeps {
  client: M2mClient;
  var: { db: WorkflowDeps["db"]; replica: WorkflowDeps["replica"]; caller: Extract<Caller, { kind: "client" }> };
}

const UserRef = z.object({ userId: Id });
const TenantRef = z.object({ tenantId: Id });

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ConstraintViolationsError(violationsOf(parsed.error));
  return parsed.data;
}

function applicationBoundary(s: Scope): string {
  if (s.var.caller.tenantId !== null) throw new Forbidden("This method needs a client at Application boundary.");
  return s.var.caller.applicationId;
}

export class PasswordResetService extends WorkerEntrypoint<Env, Rpc.PasswordResetBindingProps> implements Rpc.PasswordResetRpc {
  requestPasswordReset(input: Parameters<Rpc.PasswordResetRpc["requestPasswordReset"]>[0], endUser?: Rpc.EndUser) {
    return this.run("password-reset-workflow:execute", { operation: "request-password-reset", endUser }, async (s): Promise<Rpc.RequestPasswordResetResult> => {
      applicationBoundary(s);
      return passwordReset.requestPasswordReset(s, parse(RequestPasswordResetBody, input));
    });
  }

  resetPassword(input: Rpc.ResetPasswordInput, endUser?: Rpc.EndUser) {
    return this.run("password-reset-workflow:execute", { operation: "reset-password", endUser }, async (s): Promise<Rpc.ResetPasswordResult> => {
      const applicationId = applicationBoundary(s);
      return passwordReset.resetPassword(s, applicationId, parse(ResetPasswordBody, input));
    });
  }

  createPasswordResetLink(input: { userId: string }) {
    return this.run("password-reset-workflow:execute", null, async (s): Promise<Rpc.PasswordResetLink> => {
      return passwordReset.createPasswordResetLink(s, parse(CreatePasswordResetLinkBody, input).userId, "not_found");
    });
  }

  changePassword(input: Parameters<Rpc.PasswordResetRpc["changePassword"]>[0]) {
    return this.run(null, null, async (s): Promise<Rpc.ChangePasswordResult> => {
      const { userAccessToken, ...rest } = input ?? {};
      if (typeof userAccessToken !== "string" || userAccessToken === "") throw new Unauthenticated("The end user's access token is required.");
      const body = parse(ChangePasswordBody, rest);
      // Self boundary, as over HTTP, and only for a user of the bound application.
      const user = await authenticate(s.env, s.config, s, userAccessToken, undefined);
      if (user.kind !== "user" || user.userId !== body.userId || user.applicationId !== s.client.applicationId) {
        throw new Forbidden("Change Password needs the user's own access token.");
      }
      if (!hasPermission(user, "change-password-workflow:execute")) throw new Forbidden("The token lacks the permission change-password-workflow:execute.");
      return passwordReset.changePassword(s, user, body);
    });
  }

  login(input: { tenantId: string; email: string; password: string }, endUser?: Rpc.EndUser) {
    return this.run("login:execute", { operation: "login", endUser }, async (s): Promise<Rpc.LoginResult> => {
      applicationBoundary(s);
      return sessions.login(s, s.client.id, parse(LoginBody, input));
    });
  }

  refresh(input: { refreshToken: string; scope?: string }, endUser?: Rpc.EndUser) {
    return this.run(null, { operation: "token", endUser }, async (s): Promise<Rpc.TokenResult> => {
      const permissions = grantedScope(END_USER_PERMISSIONS, input?.scope);
      if (!permissions) throw new PasswordResetServiceError(400, "invalid_scope", "The scope asks for a permission that is not granted.");
      const answer = typeof input?.refreshToken === "string" ? await refresh(s, s.client, input.refreshToken, permissions) : null;
      if (!answer) throw new PasswordResetServiceError(400, "invalid_grant", "The refresh token is invalid, expired, revoked or already used.");
      return answer;
    });
  }

  introspect(input: { token: string }) {
    return this.run(null, null, async (s): Promise<Rpc.Introspection> => (typeof input?.token === "string" ? introspect(s, s.client, input.token) : { active: false }));
  }

  revoke(input: { token: string }) {
    return this.run(null, null, async (s): Promise<void> => {
      if (typeof input?.token === "string") await revoke(s, s.client, input.token);
    });
  }

  listSessions(input: { userId: string }) {
    return this.run("user:read", null, (s): Promise<{ items: Rpc.Session[] }> => sessions.listSessions(s, parse(UserRef, input).userId));
  }

  revokeSessions(input: { userId: string }) {
    return this.run("refresh-token:revoke", null, (s): Promise<void> => sessions.revokeSessions(s, parse(UserRef, input).userId, "sessions"));
  }

  revokeRefreshTokens(input: { userId: string }) {
    return this.run("refresh-token:revoke", null, (s): Promise<void> => sessions.revokeSessions(s, parse(UserRef, input).userId, "refresh_tokens"));
  }

  createUser(input: { tenantId: string; email: string; password?: string; status?: "ACTIVE" | "INACTIVE" }) {
    return this.run("user:write", null, (s): Promise<Rpc.User> => users.createUser(s, parse(CreateUserBody, input)));
  }

  getUser(input: { userId: string }) {
    return this.run("user:read", null, (s): Promise<Rpc.User> => users.getUser(s, parse(UserRef, input).userId));
  }

  listUsers(input: { tenantId: string; email?: string; limit?: number; cursor?: string }) {
    return this.run("user:read", null, async (s): Promise<{ items: Rpc.User[]; nextCursor: string | null }> => {
      const { tenantId, ...query } = input ?? {};
      const id = parse(TenantRef, { tenantId }).tenantId;
      return users.listUsers(s, id, () => parse(ListUsersQuery, query));
    });
  }

  deleteUser(input: { userId: string }) {
    return this.run("user:write", null, (s): Promise<void> => users.deleteUser(s, parse(UserRef, input).userId));
  }

  /**
   * The bound client, the permission check, the budgets of a rate-limited operation (the client's
   * and the asserted end user's, the same ones its HTTP calls spend), then the method; its value
   * or its failure as a result.
   */
  private async run<T>(
    permission: string | null,
    budgeted: { operation: BudgetedOperation; endUser: Rpc.EndUser | undefined } | null,
    method: (s: Scope) => Promise<T>,
  ): Promise<Rpc.RpcResult<T>> {
    try {
      const config = await serviceConfig(this.env);
      const db = database(this.env);
      const replica = replicaDatabase(this.env);
      const clientId = this.ctx.props?.clientId;
      const client = typeof clientId === "string" ? await enabledClient({ db, replica }, clientId) : null;
      if (!client) throw new PasswordResetServiceError(401, "unbound_client", "The service binding's props.clientId names no client of this service.");
      const caller = { kind: "client" as const, clientId: client.id, applicationId: client.applicationId, tenantId: client.tenantId, permissions: client.permissions };
      if (permission && !hasPermission(caller, permission)) throw new Forbidden(`The bound client lacks the permission ${permission}.`);
      let ip: string | null = null;
      if (budgeted) {
        const { operation, endUser } = budgeted;
        const endUserIp = await spendClientBudgets(this.env, operation, caller, endUser?.endUserIp, "endUserIp");
        if (endUserIp) ip = endUser!.endUserIp!;
      }
      const waitUntil = (p: Promise<unknown>) => this.ctx.waitUntil(p);
      // A service binding carries no request: no user agent or request id to record, and an IP
      // only where the host asserts its end user's (`endUserIp`, validated above).
      const audit = { actor: actorOf(caller), requestId: null, ip, userAgent: null };
      return { ok: true, value: await method({ env: this.env, config, db, replica, waitUntil, audit, client, var: { db, replica, caller } }) };
    } catch (e) {
      return failureResult(e, (status, err) => console.error(JSON.stringify({ rpc: true, status, error: err instanceof Error ? err.name : typeof err })));
    }
  }
}
