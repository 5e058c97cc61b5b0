// RPC for Workers on the same account, over a service binding whose props name the calling
// application's M2M client:
//   [[services]] binding = "PASSWORD_RESET", service = "edge-password-reset",
//                entrypoint = "PasswordResetService", props = { clientId = "…" }
// Only Workers of the account that owns this service can bind it, so the binding itself
// authenticates the caller: no client secret, no access token. Each method checks the permission
// and boundary its HTTP route checks, validates with the route's schema, and calls the workflow.
import { WorkerEntrypoint } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import { actorOf } from "../audit/context";
import { END_USER_PERMISSIONS } from "../config/permissions";
import { type Caller, hasPermission } from "../auth/caller";
import { grantedScope } from "../auth/scope";
import { publicBaseUrl } from "../config/public-origin";
import { serviceConfig } from "../config/service-config";
import { database } from "../db/client";
import { type M2mClient, clientOfApplication, getClient } from "../directory/clients";
import { policyForTenant } from "../directory/policies";
import { listUsers } from "../directory/users";
import { ConstraintViolationsError, forbidden, notFound, unauthorized } from "../http/errors";
import { type BoundaryScope, tenantInBoundary, userInBoundary } from "../http/guards";
import { authenticate } from "../http/middleware/authenticate";
import { assertedEndUserIp, clientBudgets, tooManyRequests } from "../http/middleware/rate-limit";
import { type BudgetedOperation, spendBudgets } from "../rate-limits/budgets";
import { OAuthError } from "../http/oauth-errors";
import { CreateUserBody, ListUsersQuery, presentUser } from "../http/routes/users";
import { LoginBody } from "../http/routes/login";
import { Id, iso } from "../http/schemas/common";
import { ChangePasswordBody, CreatePasswordResetLinkBody, RequestPasswordResetBody, ResetPasswordBody } from "../http/schemas/password-reset";
import { violationsOf } from "../http/validation";
import { callUserObject } from "../user-object/stub";
import { newUserPasswordViolations } from "../workflows/breached-password";
import { changePassword } from "../workflows/change-password";
import type { WorkflowDeps } from "../workflows/deps";
import { createPasswordResetLink } from "../workflows/password-reset/create-password-reset-link";
import { resetModeOf } from "../workflows/password-reset/decide";
import { requestPasswordReset } from "../workflows/password-reset/request-password-reset";
import { resetPassword } from "../workflows/password-reset/reset-password";
import { login } from "../workflows/sessions/login";
import { revokeUserSessions } from "../workflows/sessions/revoke-sessions";
import { introspect, refresh, revoke } from "../workflows/sessions/tokens";
import { createUser, deleteUser } from "../workflows/users";
import type * as Rpc from "./contract";
import { PasswordResetServiceError, toServiceError } from "./service-error";

export { PasswordResetServiceError } from "./service-error";

/** What a method runs with: the workflows' dependencies, the bound client and the caller it stands for. */
interface Scope extends BoundaryScope, WorkflowDeps {
  client: M2mClient;
  var: { db: WorkflowDeps["db"]; caller: Extract<Caller, { kind: "client" }> };
}

const UserRef = z.object({ userId: Id });
const TenantRef = z.object({ tenantId: Id });

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ConstraintViolationsError(violationsOf(parsed.error));
  return parsed.data;
}

function applicationBoundary(s: Scope): string {
  if (s.var.caller.tenantId !== null) throw forbidden("This method needs a client at Application boundary.");
  return s.var.caller.applicationId;
}

export class PasswordResetService extends WorkerEntrypoint<Env, Rpc.PasswordResetBindingProps> implements Rpc.PasswordResetRpc {
  requestPasswordReset(input: Parameters<Rpc.PasswordResetRpc["requestPasswordReset"]>[0], endUser?: Rpc.EndUser) {
    return this.run("password-reset-workflow:execute", { operation: "request-password-reset", endUser }, async (s): Promise<Rpc.RequestPasswordResetResult> => {
      applicationBoundary(s);
      const body = parse(RequestPasswordResetBody, input);
      const tenant = await tenantInBoundary(s, body.tenantId);
      if (body.clientId && !(await clientOfApplication(s.db, body.clientId, tenant.applicationId))) {
        throw new ConstraintViolationsError({ clientId: [{ code: "unknown_client", constraintAttributes: {} }] });
      }
      return requestPasswordReset(s, tenant, body.email);
    });
  }

  resetPassword(input: Rpc.ResetPasswordInput, endUser?: Rpc.EndUser) {
    return this.run("password-reset-workflow:execute", { operation: "reset-password", endUser }, async (s): Promise<Rpc.ResetPasswordResult> => {
      const applicationId = applicationBoundary(s);
      const body = parse(ResetPasswordBody, input);
      return resetPassword(s, applicationId, {
        mode: resetModeOf(body),
        newPassword: body.newPassword,
        suppressPasswordUpdatedEmail: body.suppressPasswordUpdatedEmail,
      });
    });
  }

  createPasswordResetLink(input: { userId: string }) {
    return this.run("password-reset-workflow:execute", null, async (s): Promise<Rpc.PasswordResetLink> => {
      const user = await userInBoundary(s, parse(CreatePasswordResetLinkBody, input).userId);
      const link = await createPasswordResetLink(s, user, publicBaseUrl(s.env));
      if (!link) throw notFound("User");
      return link;
    });
  }

  changePassword(input: Parameters<Rpc.PasswordResetRpc["changePassword"]>[0]) {
    return this.run(null, null, async (s): Promise<Rpc.ChangePasswordResult> => {
      const { userAccessToken, ...rest } = input ?? {};
      if (typeof userAccessToken !== "string" || userAccessToken === "") throw unauthorized("The end user's access token is required.");
      const body = parse(ChangePasswordBody, rest);
      // Self boundary, as over HTTP, and only for a user of the bound application.
      const user = await authenticate(s.env, s.config, s.db, userAccessToken, undefined);
      if (user.kind !== "user" || user.userId !== body.userId || user.applicationId !== s.client.applicationId) {
        throw forbidden("Change Password needs the user's own access token.");
      }
      if (!hasPermission(user, "change-password-workflow:execute")) throw forbidden("The token lacks the permission change-password-workflow:execute.");
      const target = await userInBoundary({ var: { db: s.db, caller: user } }, body.userId);
      return changePassword(s, target, body);
    });
  }

  login(input: { tenantId: string; email: string; password: string }, endUser?: Rpc.EndUser) {
    return this.run("login:execute", { operation: "login", endUser }, async (s): Promise<Rpc.LoginResult> => {
      applicationBoundary(s);
      const body = parse(LoginBody, input);
      const tenant = await tenantInBoundary(s, body.tenantId);
      return login(s, s.client.id, tenant, body.email, body.password);
    });
  }

  refresh(input: { refreshToken: string; scope?: string }, endUser?: Rpc.EndUser) {
    return this.run(null, { operation: "token", endUser }, async (s): Promise<Rpc.TokenResult> => {
      const permissions = grantedScope(END_USER_PERMISSIONS, input?.scope);
      if (!permissions) throw new OAuthError(400, "invalid_scope", "The scope asks for a permission that is not granted.");
      const answer = typeof input?.refreshToken === "string" ? await refresh(s, s.client, input.refreshToken, permissions) : null;
      if (!answer) throw new OAuthError(400, "invalid_grant", "The refresh token is invalid, expired, revoked or already used.");
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
    return this.run("user:read", null, async (s): Promise<{ items: Rpc.Session[] }> => {
      const user = await userInBoundary(s, parse(UserRef, input).userId);
      const sessions = await callUserObject(s.env, user.id, "listSessions");
      return { items: sessions.map((x) => ({ ...x, createdAt: iso(x.createdAt), lastUsedAt: iso(x.lastUsedAt) })) };
    });
  }

  revokeSessions(input: { userId: string }) {
    return this.run("refresh-token:revoke", null, async (s): Promise<void> => {
      const user = await userInBoundary(s, parse(UserRef, input).userId);
      await revokeUserSessions(s, user, "sessions");
    });
  }

  revokeRefreshTokens(input: { userId: string }) {
    return this.run("refresh-token:revoke", null, async (s): Promise<void> => {
      const user = await userInBoundary(s, parse(UserRef, input).userId);
      await revokeUserSessions(s, user, "refresh_tokens");
    });
  }

  createUser(input: { tenantId: string; email: string; password?: string; status?: "ACTIVE" | "INACTIVE" }) {
    return this.run("user:write", null, async (s): Promise<Rpc.User> => {
      const body = parse(CreateUserBody, input);
      const tenant = await tenantInBoundary(s, body.tenantId);
      if (body.password !== undefined) {
        const violations = await newUserPasswordViolations(s.env, await policyForTenant(s.db, tenant), body.password, body.email);
        if (violations.length) throw new ConstraintViolationsError({ password: violations }, "The password does not satisfy the tenant's password policy.");
      }
      const user = await createUser(s.env, s.db, {
        applicationId: tenant.applicationId,
        tenantId: tenant.id,
        email: body.email,
        password: body.password ?? null,
        status: body.status ?? "ACTIVE",
      });
      return presentUser(user);
    });
  }

  getUser(input: { userId: string }) {
    return this.run("user:read", null, async (s): Promise<Rpc.User> => presentUser(await userInBoundary(s, parse(UserRef, input).userId)));
  }

  listUsers(input: { tenantId: string; email?: string; limit?: number }) {
    return this.run("user:read", null, async (s): Promise<{ items: Rpc.User[] }> => {
      const { tenantId, ...query } = input ?? {};
      const tenant = await tenantInBoundary(s, parse(TenantRef, { tenantId }).tenantId);
      const { email, limit } = parse(ListUsersQuery, query);
      const rows = await listUsers(s.db, tenant.id, { ...(email ? { email } : {}), limit });
      return { items: rows.map(presentUser) };
    });
  }

  deleteUser(input: { userId: string }) {
    return this.run("user:write", null, async (s): Promise<void> => {
      const user = await userInBoundary(s, parse(UserRef, input).userId);
      await deleteUser(s, user);
    });
  }

  /**
   * The bound client, the permission check, the budgets of a rate-limited operation (the client's
   * and the asserted end user's, the same ones its HTTP calls spend), then the method; every
   * failure as one error class.
   */
  private async run<T>(
    permission: string | null,
    budgeted: { operation: BudgetedOperation; endUser: Rpc.EndUser | undefined } | null,
    method: (s: Scope) => Promise<T>,
  ): Promise<T> {
    try {
      const config = await serviceConfig(this.env);
      const db = database(this.env);
      const clientId = this.ctx.props?.clientId;
      const client = typeof clientId === "string" ? await getClient(db, clientId) : null;
      if (!client) throw new PasswordResetServiceError(401, "unbound_client", "The service binding's props.clientId names no client of this service.");
      const caller = { kind: "client" as const, clientId: client.id, applicationId: client.applicationId, tenantId: client.tenantId, permissions: client.permissions };
      if (permission && !hasPermission(caller, permission)) throw forbidden(`The bound client lacks the permission ${permission}.`);
      let ip: string | null = null;
      if (budgeted) {
        const { operation, endUser } = budgeted;
        const endUserIp = assertedEndUserIp(endUser?.endUserIp, client.permissions, "api", "endUserIp");
        const exhausted = await spendBudgets(this.env, operation, clientBudgets(operation, client.id, endUserIp));
        if (exhausted) throw tooManyRequests(operation, exhausted);
        if (endUserIp) ip = endUser!.endUserIp!;
      }
      const waitUntil = (p: Promise<unknown>) => this.ctx.waitUntil(p);
      // A service binding carries no request: no user agent or request id to record, and an IP
      // only where the host asserts its end user's (`endUserIp`, validated above).
      const audit = { actor: actorOf(caller), requestId: null, ip, userAgent: null };
      return await method({ env: this.env, config, db, waitUntil, audit, client, var: { db, caller } });
    } catch (e) {
      throw toServiceError(e, (status, err) => console.error(JSON.stringify({ rpc: true, status, error: err instanceof Error ? err.name : typeof err })));
    }
  }
}
