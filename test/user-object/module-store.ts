// The user object's modules run here against a real object's SQLite storage, called directly
// rather than over RPC, so each concern's tests read as its own specification.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { serviceConfig } from "../../src/config/service-config";
import { newId } from "../../src/crypto/random";
import type { PasswordUpdatedJob } from "../../src/email/message";
import { POLICY_DEFAULTS } from "../../src/policy/password-reset-policy";
import { initialize } from "../../src/user-object/lifecycle";
import { login } from "../../src/user-object/login";
import { type UserKeys, type UserStore, userStore } from "../../src/user-object/store";

export const KEYS: UserKeys = {
  peppers: async () => (await serviceConfig(env)).passwordPeppers,
  secretHashKeys: async () => (await serviceConfig(env)).secretHashKeys,
};

export const GRANT = { applicationId: "app", tenantId: "tenant", clientId: "client", idleTtlSeconds: 600, absoluteTtlSeconds: 3600 };

/** Runs `body` on a fresh object's storage, initialised as an active user with `password`. */
export function withUser<T>(password: string, body: (store: UserStore, state: DurableObjectState) => Promise<T> | T): Promise<T> {
  return runInDurableObject(env.USERS.get(env.USERS.idFromName(newId())), async (_instance, state) => {
    const store = userStore(state.storage);
    await initialize(store, KEYS, password, "ACTIVE");
    return body(store, state);
  });
}

export function count(state: DurableObjectState, table: string): number {
  return state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
}

export function notice(id: string): PasswordUpdatedJob {
  return { id, kind: "PASSWORD_UPDATED", template: "PASSWORD_UPDATED", applicationId: "app", tenantId: "tenant", to: "user@example.com", createdAt: Date.now(), loginUrl: null };
}

/** A session of the user whose password is "password one", with its refresh token's secret. */
export async function loggedIn(store: UserStore) {
  const outcome = await login(store, KEYS, "password one", GRANT, POLICY_DEFAULTS);
  if (outcome.outcome !== "SUCCESS") throw new Error(outcome.outcome);
  return outcome;
}
