// The per-caller budgets of an API operation: the calling M2M client's, and the end user's IP
// address when the client asserts one. API calls come from the host application's backend, so the
// connection's own address is the backend's; the end user's arrives asserted by the client
// (HTTP's `X-End-User-IP`, RPC's `endUserIp`), which only a client holding `end-user-ip:assert` may
// do (anyone else could spend another user's budget, or dodge their own, by naming any address).
import { Forbidden } from "../auth/refusals";
import { type Budget, type BudgetedOperation, type Exhausted, clientFamily, spendBudgets } from "./budgets";
import { ipBudgetKey } from "./ip-address";

export const END_USER_IP_PERMISSION = "end-user-ip:assert";

const WHOSE: Record<Exhausted["family"], string> = {
  client: "This client",
  clientToken: "This client",
  endUserIp: "The end user's IP address",
  pageIp: "This IP address",
};

/** A spent budget: 429 with Retry-After (on /oauth2, `temporarily_unavailable`). */
export class TooManyRequests extends Error {
  override name = "TooManyRequests";
  readonly retryAfterSeconds: number;
  constructor(operation: BudgetedOperation, exhausted: Exhausted) {
    super(`${WHOSE[exhausted.family]} is over its rate limit for ${operation}. Retry after ${exhausted.retryAfterSeconds} seconds.`);
    this.retryAfterSeconds = exhausted.retryAfterSeconds;
  }
}

/** An asserted end-user IP that is not one address. */
export class InvalidEndUserIp extends Error {
  override name = "InvalidEndUserIp";
}

/** The budgets of a client's call: its own, and the end user's IP address when it asserts one. */
export function clientBudgets(operation: BudgetedOperation, clientId: string, endUserIpKey: string | null): Budget[] {
  const budgets: Budget[] = [{ family: clientFamily(operation), caller: clientId }];
  if (endUserIpKey) budgets.push({ family: "endUserIp", caller: endUserIpKey });
  return budgets;
}

/**
 * The budget key of the end-user IP a client asserts under `name`, or null when it asserts none.
 * Forbidden without the permission, InvalidEndUserIp when it is not one address.
 */
export function assertedEndUserIp(value: unknown, permissions: readonly string[], name: string): string | null {
  if (value === undefined) return null;
  if (!permissions.includes(END_USER_IP_PERMISSION)) throw new Forbidden(`Only a client with the permission ${END_USER_IP_PERMISSION} may send ${name}.`);
  const key = typeof value === "string" ? ipBudgetKey(value) : null;
  if (!key) throw new InvalidEndUserIp(`${name} must be one IPv4 or IPv6 address.`);
  return key;
}

/**
 * Spends the budgets of a client's call to `operation`: its own, and the asserted end user's IP
 * address's. Returns the IP's budget key (null when none is asserted); throws TooManyRequests
 * when a budget is spent.
 */
export async function spendClientBudgets(
  env: Env,
  operation: BudgetedOperation,
  client: { clientId: string; permissions: readonly string[] },
  endUserIp: unknown,
  name: string,
): Promise<string | null> {
  const key = assertedEndUserIp(endUserIp, client.permissions, name);
  const exhausted = await spendBudgets(env, operation, clientBudgets(operation, client.clientId, key));
  if (exhausted) throw new TooManyRequests(operation, exhausted);
  return key;
}
