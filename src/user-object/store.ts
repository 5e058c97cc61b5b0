// What every concern of the user object works on: drizzle over the object's SQLite, and the raw
// storage for transactionSync and the alarm. Each module takes the store and never keeps it.
import { type DrizzleSqliteDODatabase, drizzle } from "drizzle-orm/durable-sqlite";
import type { Keyring } from "../crypto/keyring";
import { migrateUserObject } from "./migrate";

export interface UserStore {
  readonly db: DrizzleSqliteDODatabase;
  readonly storage: DurableObjectStorage;
  /** Whether the schema exists: created by `initialize` or `destroy` only, never by a read. */
  hasStorage: boolean;
}

/** The service's keys, looked up at each use: a redeploy may rotate them under a live object. */
export interface UserKeys {
  peppers(): Promise<Keyring>;
  secretHashKeys(): Promise<Keyring>;
}

export function userStore(storage: DurableObjectStorage): UserStore {
  return { db: drizzle(storage), storage, hasStorage: false };
}

/** When the object starts: brings an existing schema up to date, and creates none for an id nobody created. */
export async function openSchema(store: UserStore): Promise<void> {
  store.hasStorage = store.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'credential'").toArray().length > 0;
  if (store.hasStorage) await migrateUserObject(store.storage);
}

export async function createStorage(store: UserStore): Promise<void> {
  if (store.hasStorage) return;
  await migrateUserObject(store.storage);
  store.hasStorage = true;
}
