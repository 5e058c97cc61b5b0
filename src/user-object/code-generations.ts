// What a D1 replica may lag on, held where it cannot lag: the newest email request whose codes were
// issued and the newest admin link. A replica that has not yet seen a code superseded shows it
// open; the commit refuses it here, since a newer one of its kind was recorded before that newer
// code could reach anyone. Spent codes die by the credential version; this covers supersession.
//
// Email codes date from their request (`requestedAt`), so a consumer's retry of a job records the
// same time again (a no-op), and an older job's retry never lowers it. An object older than the
// table has no row, which refuses nothing: codes issued before the upgrade are judged by D1 alone.
import { eq, sql } from "drizzle-orm";
import { codeGenerations } from "./schema";
import type { UserStore } from "./store";

/**
 * A code's kind as supersession groups it, and its generation: an email code's request time, an
 * admin link's creation time (reset_codes.created_at).
 */
export interface CodeIssue {
  family: "EMAIL" | "ADMIN_LINK";
  at: number;
}

const FIELD = { EMAIL: "emailCodesIssuedAt", ADMIN_LINK: "adminLinkIssuedAt" } as const;

/** Raises the family's newest generation to `at` (never lowers it): before the code is stored or sent. */
export function recordCodeIssue(store: UserStore, issue: CodeIssue): void {
  const field = FIELD[issue.family];
  store.db
    .insert(codeGenerations)
    .values({ id: 1, [field]: issue.at })
    .onConflictDoUpdate({ target: codeGenerations.id, set: { [field]: sql`max(${codeGenerations[field]}, ${issue.at})` } })
    .run();
}

/** Whether a newer code of the same family was issued since: then this one is superseded. */
export function supersededCode(store: UserStore, issue: CodeIssue | undefined): boolean {
  if (!issue) return false;
  const row = store.db.select().from(codeGenerations).where(eq(codeGenerations.id, 1)).get();
  return issue.at < (row?.[FIELD[issue.family]] ?? 0);
}
