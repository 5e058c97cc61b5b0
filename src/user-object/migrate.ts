import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import migrations from "./migrations/migrations";

/**
 * Applies the drizzle-kit migrations this object has not applied yet, all in one transaction.
 * drizzle 0.45 rolls back by throwing `DrizzleError: Rollback`, which hides why a statement
 * failed; the storage handed to it records the first SQL error so the log can name it. Migration
 * statements are DDL without parameters, so that message carries no user data.
 */
export async function migrateUserObject(storage: DurableObjectStorage): Promise<void> {
  let cause: unknown;
  const sql = new Proxy(storage.sql, {
    get(target, key) {
      if (key !== "exec") return bound(target, key);
      return (query: string, ...bindings: unknown[]) => {
        try {
          return target.exec(query, ...bindings);
        } catch (e) {
          cause ??= e;
          throw e;
        }
      };
    },
  });
  const recording = new Proxy(storage, { get: (target, key) => (key === "sql" ? sql : bound(target, key)) });
  try {
    await migrate(drizzle(recording), migrations);
  } catch (e) {
    const reason = cause ?? e;
    console.error(
      JSON.stringify({
        event: "user_object_migration_failed",
        error: reason instanceof Error ? reason.name : typeof reason,
        message: reason instanceof Error ? reason.message : undefined,
      }),
    );
    throw e;
  }
}

function bound(target: object, key: string | symbol): unknown {
  const value: unknown = Reflect.get(target, key);
  return typeof value === "function" ? value.bind(target) : value;
}
