// Coarse per-caller budgets on the doors an attacker hammers: login, request-password-reset,
// reset-password, the token endpoint and the hosted pages. Each family is one Workers Rate
// Limiting binding (wrangler.toml `[[ratelimits]]`, where the limits are set); its key names the
// operation and the caller, so every operation has its own budget per caller.
//
// The binding counts per Cloudflare location and is eventually consistent: a flood guard, not an
// exact count. The exact limits (wrong OTPs per code and per user, failed logins per user, emails
// per address) live in storage and fail closed. So a failing binding fails OPEN here: it is logged
// and the request goes on, bounded by those exact limits, instead of turning an outage of the
// limiter into an outage of every login and reset.

/** The operations a caller's budget is spent on. */
export type BudgetedOperation = "login" | "request-password-reset" | "reset-password" | "token" | "pages";

export type BudgetFamily = "client" | "clientToken" | "endUserIp" | "pageIp";

interface Family {
  binding: (env: Env) => RateLimit;
  /** The binding's `period` in wrangler.toml: the longest wait until its window resets. */
  periodSeconds: number;
}

const FAMILIES: Record<BudgetFamily, Family> = {
  client: { binding: (env) => env.RATE_LIMIT_CLIENT, periodSeconds: 60 },
  clientToken: { binding: (env) => env.RATE_LIMIT_CLIENT_TOKEN, periodSeconds: 60 },
  endUserIp: { binding: (env) => env.RATE_LIMIT_END_USER_IP, periodSeconds: 60 },
  pageIp: { binding: (env) => env.RATE_LIMIT_PAGE_IP, periodSeconds: 60 },
};

/** One budget to spend: a family, and the caller within it (a client id or an IP budget key, never a secret). */
export interface Budget {
  family: BudgetFamily;
  caller: string;
}

/** The first budget that is spent, with the seconds to wait; null when every one allowed the request. */
export interface Exhausted {
  family: BudgetFamily;
  retryAfterSeconds: number;
}

/** The budget family of the calling client for an operation: the token endpoint has its own. */
export function clientFamily(operation: BudgetedOperation): BudgetFamily {
  return operation === "token" ? "clientToken" : "client";
}

async function spendOne(env: Env, operation: BudgetedOperation, budget: Budget): Promise<boolean> {
  try {
    const { success } = await FAMILIES[budget.family].binding(env).limit({ key: `${operation}:${budget.caller}` });
    return success;
  } catch (e) {
    console.error(JSON.stringify({ event: "rate_limit_unavailable", family: budget.family, error: e instanceof Error ? e.name : typeof e }));
    return true;
  }
}

/** Spends one unit of each budget (all of them, at once); the first exhausted one, if any. */
export async function spendBudgets(env: Env, operation: BudgetedOperation, budgets: Budget[]): Promise<Exhausted | null> {
  const allowed = await Promise.all(budgets.map((b) => spendOne(env, operation, b)));
  const index = allowed.indexOf(false);
  if (index < 0) return null;
  const family = budgets[index]!.family;
  return { family, retryAfterSeconds: FAMILIES[family].periodSeconds };
}
