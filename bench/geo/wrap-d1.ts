// D1 as seen from a far location: every statement run, batch or exec is one round trip, to the
// primary or to a replica. A replica may answer a read of a session opened without
// "first-primary" (D1 Sessions API: "first-unconstrained" or a bookmark); writes, and everything
// outside a session, go to the primary.
import { type CallSite, type DataKind, type Target, roundTrip } from "./tally";

export type Where = "primary" | "replica-for-reads";

/**
 * What a wrapped D1 binding does before each call reaches the real one: the SQL of the call's
 * statements (one for a statement or exec, all of a batch's) and where the call goes.
 */
export type BeforeCall = (sqls: string[], where: Where) => Promise<void>;

const WRITE = /\b(insert|update|delete|replace|create|drop|alter)\b/i;
const DEV_MAILBOX = /\bdev_mailbox\b/i;

/** The dev mailbox is the dev stand-in for the email provider; it is not the service's data. */
export const isMailbox = (sql: string): boolean => DEV_MAILBOX.test(sql);

/** Whether a call can be answered by a replica: a read, in a session that lets a replica answer. */
export const servedByReplica = (sqls: string[], where: Where): boolean => sqls.every((sql) => target(sql, where) === "d1Replica");

/** Where a statement's round trip goes. */
function target(sql: string, where: Where): Target {
  if (isMailbox(sql)) return "mail";
  const read = /^\s*(select|with)\b/i.test(sql) && !WRITE.test(sql);
  return where === "replica-for-reads" && read ? "d1Replica" : "d1Primary";
}

// Tables by where issue 19 puts them (migrations/*.sql).
const USER_TABLES = new Set(["users", "reset_codes", "email_deliveries", "audit_events", "reset_email_sends", "code_failures", "decoy_password_failures"]);
const DIRECTORY_TABLES = new Set(["applications", "tenants", "application_policies", "tenant_policies", "m2m_clients", "application_branding", "tenant_branding"]);

/** The data a statement touches: user-scoped if any of its tables is, else directory, else the deny-list. */
export function dataOf(sqls: string[]): DataKind {
  const names = new Set(sqls.flatMap((sql) => [...sql.matchAll(/\b([a-z0-9_]+)\b/gi)].map((m) => m[1]!.toLowerCase())));
  if ([...names].some((n) => USER_TABLES.has(n))) return "d1User";
  if ([...names].some((n) => DIRECTORY_TABLES.has(n))) return "d1Directory";
  if (names.has("revoked_access_tokens")) return "d1DenyList";
  return "d1Other";
}

const REAL = Symbol("real statement");
type Wrapped = D1PreparedStatement & { [REAL]: D1PreparedStatement; sql: string };

function statement(real: D1PreparedStatement, sql: string, where: Where, before: BeforeCall): Wrapped {
  const timed =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await before([sql], where);
      return call(...args);
    };
  const wrapped = {
    [REAL]: real,
    sql,
    bind: (...values: unknown[]) => statement(real.bind(...values), sql, where, before),
    first: timed((column?: string) => (column === undefined ? real.first() : real.first(column))),
    all: timed(() => real.all()),
    run: timed(() => real.run()),
    raw: timed((options?: { columnNames?: boolean }) => (options?.columnNames ? real.raw({ columnNames: true }) : real.raw())),
  };
  return wrapped as unknown as Wrapped;
}

type Preparer = { prepare(sql: string): D1PreparedStatement; batch<T>(s: D1PreparedStatement[]): Promise<D1Result<T>[]> };

function preparer<T extends Preparer>(real: T, where: Where, before: BeforeCall) {
  return {
    prepare: (sql: string) => statement(real.prepare(sql), sql, where, before),
    async batch<R>(statements: D1PreparedStatement[]): Promise<D1Result<R>[]> {
      const wrapped = statements as Wrapped[];
      await before(
        wrapped.map((s) => s.sql),
        where,
      );
      return real.batch<R>(wrapped.map((s) => s[REAL] ?? s));
    },
  };
}

/** A D1 binding whose every call (statement, batch, exec) awaits `before` first. */
export function interceptD1(real: D1Database, before: BeforeCall): D1Database {
  return {
    ...preparer(real, "primary", before),
    async exec(sql: string) {
      await before([sql], "primary");
      return real.exec(sql);
    },
    dump: () => real.dump(),
    withSession(constraintOrBookmark?: string) {
      const session = real.withSession(constraintOrBookmark as D1SessionConstraint);
      const where: Where = constraintOrBookmark === "first-primary" ? "primary" : "replica-for-reads";
      return { ...preparer(session, where, before), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;
}

/**
 * The DB binding, counted and delayed for one invocation's call site: each call is one round trip.
 * A batch reaches a replica only if every statement in it is a read.
 */
export function wrapD1(real: D1Database, site: CallSite): D1Database {
  return interceptD1(real, async (sqls, where) => {
    const targets = sqls.map((sql) => target(sql, where));
    const to: Target = targets.every((t) => t === "mail") ? "mail" : targets.every((t) => t === "d1Replica") ? "d1Replica" : "d1Primary";
    await roundTrip(site, to, to === "mail" ? undefined : dataOf(sqls.filter((_, i) => targets[i] !== "mail")));
  });
}
