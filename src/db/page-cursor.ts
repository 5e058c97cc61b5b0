// Keyset paging, newest first, over a (time, id) pair: the id breaks ties between rows of the same
// millisecond, so the order is total and a page never repeats or skips a row. The cursor is the
// position after a page's last row, base64url-encoded: opaque to callers, and harmless if forged,
// because the caller's scope (application or user) is always part of the query besides it.
import { type SQL, and, eq, lt, or } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { base64url } from "jose";

export interface PageCursor {
  /** Epoch ms of the last row handed out. */
  at: number;
  id: string;
}

export function encodeCursor(c: PageCursor): string {
  return base64url.encode(JSON.stringify([c.at, c.id]));
}

/** Null for anything this service did not hand out. */
export function decodeCursor(text: string): PageCursor | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(text)));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [at, id] = value as unknown[];
    if (!Number.isSafeInteger(at) || typeof id !== "string" || id.length > 64) return null;
    return { at: at as number, id };
  } catch {
    return null;
  }
}

/** The rows after the cursor in newest-first order. */
export function afterCursor(cursor: PageCursor, time: SQLiteColumn, id: SQLiteColumn): SQL {
  return or(lt(time, cursor.at), and(eq(time, cursor.at), lt(id, cursor.id)))!;
}

/** A page from `limit + 1` rows: the extra row only tells whether another page follows. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number, time: (row: T) => number): { rows: T[]; next: PageCursor | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { at: time(last), id: last.id } : null };
}
