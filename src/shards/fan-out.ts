// A page of newest-first rows spread over several databases. Each database answers its own
// first `limit + 1` rows after the cursor; merged by (time, id) descending, the first `limit + 1`
// of all of them are exactly the first of the union, so the page and its cursor are what one
// database holding every row would give. Ids are unique across databases, so the order is total.
import type { Database } from "../db/client";
import { type PageCursor, pageOf } from "../db/page-cursor";

export async function fanOutPage<T extends { id: string }>(
  databases: readonly Database[],
  limit: number,
  time: (row: T) => number,
  query: (db: Database) => Promise<T[]>,
): Promise<{ rows: T[]; next: PageCursor | null }> {
  const all = (await Promise.all(databases.map(query))).flat();
  all.sort((a, b) => time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return pageOf(all.slice(0, limit + 1), limit, time);
}
