// The address object's storage: ctx.storage.sql directly, not drizzle. The counters' four tables
// of a few columns, each read and written by one or two statements, hold only rows that expire
// within 30 days; a later change of shape can start a new table and let the old one age out, so
// there is no migration history to keep. Every such row carries its own expiry, and the alarm
// wakes when the newest one passes: it deletes what expired and, once nothing is left, all of the
// object's storage, so an address nobody uses again costs nothing. The one exception is the
// address's claim (address-claim.ts), one row that lasts as long as its user: while it is there,
// the alarm keeps the storage. A change of its shape needs a step here that moves the row.

export interface AddressStore {
  readonly storage: DurableObjectStorage;
  /** Whether this instance has created the tables; deleteAll drops them. */
  ready: boolean;
}

const TABLES = ["email_sends", "otp_failures", "otp_attempts", "password_failures"] as const;

const SCHEMA = [
  // AUTOINCREMENT: a slot id is never reused, so a late release cannot free another request's slot.
  "CREATE TABLE IF NOT EXISTS email_sends (id INTEGER PRIMARY KEY AUTOINCREMENT, sent_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS otp_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, failed_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
  // Attempts taken per OTP request (reset_codes.id), kept until the request expires.
  "CREATE TABLE IF NOT EXISTS otp_attempts (code_id TEXT PRIMARY KEY, taken INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
  // One row: wrong passwords in a row for an address with no active user.
  "CREATE TABLE IF NOT EXISTS password_failures (id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL, last_failed_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
  // One row: the user who holds the address, the shard of its row (NULL: DB), and pending_until until the row is written.
  "CREATE TABLE IF NOT EXISTS address_claim (id INTEGER PRIMARY KEY CHECK (id = 1), user_id TEXT NOT NULL, home INTEGER, pending_until INTEGER)",
];

export function addressStore(storage: DurableObjectStorage): AddressStore {
  return { storage, ready: false };
}

/** Runs `fn` as one synchronous transaction over existing tables: a check and its write cannot be split. */
export function inTransaction<T>(store: AddressStore, fn: (sql: SqlStorage) => T): T {
  if (!store.ready) {
    for (const statement of SCHEMA) store.storage.sql.exec(statement);
    store.ready = true;
  }
  return store.storage.transactionSync(() => fn(store.storage.sql));
}

/** Deletes what expired from every table; a row is judged by its own expiry. */
function deleteExpired(sql: SqlStorage, now: number): void {
  for (const table of TABLES) sql.exec(`DELETE FROM ${table} WHERE expires_at <= ?`, now);
}

export function deleteExpiredFrom(sql: SqlStorage, table: (typeof TABLES)[number], now: number): void {
  sql.exec(`DELETE FROM ${table} WHERE expires_at <= ?`, now);
}

/** The moment the newest row expires: when the alarm should wake. Null when the tables are empty. */
function lastExpiry(sql: SqlStorage): number | null {
  const parts = TABLES.map((t) => `SELECT max(expires_at) AS at FROM ${t}`).join(" UNION ALL ");
  const row = sql.exec<{ at: number | null }>(`SELECT max(at) AS at FROM (${parts})`).one();
  return row.at;
}

/**
 * Sets the alarm to when the newest row expires. Inside a transactionSync, setAlarm is a storage
 * write that commits with the row it was armed for.
 */
export function armExpiry(store: AddressStore, sql: SqlStorage): void {
  const at = lastExpiry(sql);
  if (at !== null) void store.storage.setAlarm(at);
}

/** The alarm: drop what expired; when nothing is left, the whole storage (the object then costs nothing). */
export async function expire(store: AddressStore): Promise<void> {
  if (!store.ready && !hasTables(store.storage)) return;
  const { remaining, claimed } = inTransaction(store, (sql) => {
    deleteExpired(sql, Date.now());
    const at = lastExpiry(sql);
    if (at !== null) void store.storage.setAlarm(at);
    return { remaining: at, claimed: sql.exec("SELECT 1 FROM address_claim").toArray().length > 0 };
  });
  if (remaining !== null) return;
  await store.storage.deleteAlarm();
  if (claimed) return;
  await store.storage.deleteAll();
  store.ready = false;
}

function hasTables(storage: DurableObjectStorage): boolean {
  return hasTable(storage, "email_sends");
}

/** Whether `table` exists, without creating it (an object made before the table was added has the others). */
export function hasTable(storage: DurableObjectStorage, table: (typeof TABLES)[number]): boolean {
  return storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table).toArray().length > 0;
}
