// D1 storage steps for reset codes. Single statements and db.batch are atomic on D1; there are no
// interactive transactions, so every check-and-set is a guarded statement.
import { type SQL, and, eq, gt, inArray, isNull, lte, notInArray, sql } from "drizzle-orm";
import type { Keyring } from "../../crypto/keyring";
import type { Database, Statement } from "../../db/client";
import { resetCodes, users } from "../../db/schema";
import type { User } from "../../directory/users";
import type { CodeKind } from "./decide";

export type ResetCodeRow = typeof resetCodes.$inferSelect;

/**
 * Keyed hashes binding the per-address counters (src/address-object, named by the first) and
 * supersession to tenant and email, so decoys and real users count alike. Under every configured
 * key, current first: the first is stored and names the address object, all are matched.
 */
export function subjectKeys(keys: Keyring, tenantId: string, emailKey: string): Promise<string[]> {
  return keys.hashes("subject", `${tenantId}:${emailKey}`);
}

/** A code's hash under every configured key, current first: the first is stored, all are looked up. */
export function codeHashes(keys: Keyring, code: string): Promise<string[]> {
  return keys.hashes("reset-code", code);
}

/** Bound to the code's id, so a verificationCode is worth nothing with another requestCode. */
export function verificationHash(keys: Keyring, codeId: string, verificationCode: string): Promise<string> {
  return keys.hash("otp", `${codeId}:${verificationCode}`);
}

export async function verificationCodeMatches(keys: Keyring, row: Pick<ResetCodeRow, "id" | "verificationHash">, verificationCode: string): Promise<boolean> {
  return (await keys.verify("otp", `${row.id}:${verificationCode}`, row.verificationHash ?? "")).valid;
}

export interface NewCode {
  id: string;
  applicationId: string;
  tenantId: string;
  userId: string | null;
  subjectKey: string;
  kind: CodeKind;
  codeHash: string;
  verificationHash: string | null;
  credentialVersion: number | null;
  maxAttempts: number;
  expiresAt: number;
}

const EMAIL_KINDS: CodeKind[] = ["EMAIL_LINK", "EMAIL_OTP"];
const open = () => and(isNull(resetCodes.consumedAt), isNull(resetCodes.supersededAt));

/** Stores an admin link's code and supersedes the user's earlier admin links, in one batch. */
/** `also`: statements that commit with the code, or not at all (its audit event). `now`: its generation, as the user's object recorded it. */
export async function issueAdminLinkCode(db: Database, code: NewCode, also: Statement[] = [], now = Date.now()): Promise<void> {
  const supersede = db
    .update(resetCodes)
    .set({ supersededAt: now })
    .where(and(eq(resetCodes.userId, code.userId!), eq(resetCodes.kind, "ADMIN_LINK"), open()));
  await db.batch([supersede, db.insert(resetCodes).values({ ...code, createdAt: now }), ...also]);
}

/** The codes one email (or a decoy) carries, with what their supersession is keyed by. */
export interface EmailCodeIssue {
  codes: [NewCode, ...NewCode[]];
  requestedAt: number;
  subjects: string[];
}

/**
 * Stores the codes a reset email carries (an OTP email carries a one-time link too, so whoever
 * locks the OTP cannot keep the owner from resetting). Email codes date from their request
 * (`requestedAt`) and supersede by subject (tenant and email), which decoys share with real users. A delivery retry
 * therefore never supersedes a newer request: it supersedes the family's older open codes, and a
 * job that a newer request overtook issues nothing. A job's rows keep their ids across attempts
 * (issue-email-code.ts derives them, and the codes, from the job), so a retry rewrites its own rows.
 * emailCodesStored tells from the inserts' results whether anything was issued, and until when.
 * `subjects`: the subject under every configured key, so that codes issued before a key rotation
 * are superseded too.
 *
 * The check for a newer request guards every statement of one batch (one D1 transaction), so two
 * jobs of one address delivered at once cannot both pass it: at most one email code family is open.
 *
 * `guard`, when given, must hold for any statement to write (the email consumer: the attempt is
 * under way), so a batch can carry several jobs' issues each with its own condition.
 */
export function emailCodeStatements(db: Database, issue: EmailCodeIssue, guard?: SQL): [Statement, Statement, ...Statement[]] {
  const { codes, requestedAt, subjects } = issue;
  const supersede = db
    .update(resetCodes)
    .set({ supersededAt: Date.now() })
    .where(and(emailFamily(subjects), notInArray(resetCodes.id, codes.map((c) => c.id)), lte(resetCodes.createdAt, requestedAt), open(), sql`NOT ${newerRequest(subjects, requestedAt)}`, guard));
  const [first, ...more] = codes;
  const insert = (code: NewCode) => emailCodeInsert(db, code, requestedAt, subjects, guard);
  return [supersede, insert(first), ...more.map(insert)];
}

/**
 * What the inserts of emailCodeStatements (its results from the second on) stored: null when the
 * first wrote nothing (nothing was issued); else the earliest expiry of the rows written, which a
 * retry's rows keep from their first issue.
 */
export function emailCodesStored(insertResults: unknown[]): { expiresAt: number } | null {
  const [first] = insertResults;
  if (!Array.isArray(first) || first.length !== 1) return null;
  const expiries = insertResults.flatMap((r) => (Array.isArray(r) ? (r as { expiresAt: number }[]).map((row) => row.expiresAt) : []));
  return { expiresAt: Math.min(...expiries) };
}

const emailFamily = (subjects: string[]) => and(inArray(resetCodes.subjectKey, subjects), inArray(resetCodes.kind, EMAIL_KINDS));

/** Whether the family has a code of a later request: its index is reset_codes_subject_created. */
function newerRequest(subjects: string[], requestedAt: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${resetCodes} WHERE ${and(emailFamily(subjects), gt(resetCodes.createdAt, requestedAt))})`;
}

/**
 * Inserts one email code unless a newer request exists; a retry's row (same id) gets the retry's
 * credential version and hashes while it is open, but keeps the expiry of its first issue. One
 * statement, so the check and the write cannot be split by another job. Exported for its query
 * plan (test/email/delivery).
 *
 * Why the expiry stays: an OTP request's attempts are counted in the address object until the
 * expiry a guess saw (src/address-object/otp-guesses.ts). A retry can come any time the queue
 * still holds the job (backoff up to MAX_RETRY_DELAY_SECONDS, but also a backlog, bounded only by
 * the queue's retention, days), so an extended expiry could outlive the count and give a guesser
 * otpMaxAttempts more tries. A code id's expiry fixed at its first issue needs no bound on retry
 * timing and no longer-kept rows. The cost: a retried email's code lives less than its TTL (the
 * email states the time left; with too little left it is not sent: prepare.ts MIN_CODE_LIFETIME_SECONDS).
 */
export function emailCodeInsert(db: Database, code: NewCode, requestedAt: number, subjects: string[], guard?: SQL) {
  return db
    .insert(resetCodes)
    .select(
      // Every column in the table's order, as drizzle's INSERT … SELECT lists them.
      sql`SELECT ${code.id}, ${code.applicationId}, ${code.tenantId}, ${code.userId}, ${code.subjectKey}, ${code.kind}, ${code.codeHash}, ${code.verificationHash},
        ${code.credentialVersion}, 0, ${code.maxAttempts}, ${code.expiresAt}, ${requestedAt}, NULL, NULL
        WHERE NOT ${newerRequest(subjects, requestedAt)}${guard ? sql` AND ${guard}` : sql``}`,
    )
    .onConflictDoUpdate({
      target: resetCodes.id,
      set: { codeHash: sql`excluded.code_hash`, verificationHash: sql`excluded.verification_hash`, credentialVersion: sql`excluded.credential_version` },
      setWhere: open(),
    })
    .returning({ id: resetCodes.id, expiresAt: resetCodes.expiresAt });
}

/** A stored code with the user it was issued to (null: an OTP decoy's, or a user since deleted). */
export interface FoundCode {
  code: ResetCodeRow;
  user: User | null;
}

/** The code with its user, in one read: every use of a code needs both. */
export async function findCode(db: Database, hashes: string[]): Promise<FoundCode | null> {
  const found = await db
    .select({ code: resetCodes, user: users })
    .from(resetCodes)
    .leftJoin(users, and(eq(users.id, resetCodes.userId), eq(users.tenantId, resetCodes.tenantId)))
    .where(inArray(resetCodes.codeHash, hashes))
    .get();
  return found ?? null;
}

/**
 * Bookkeeping after the user's object committed a change; the credential version already killed these codes.
 * `also`: other writes to this database after the change (the user's key ids), in the same batch.
 */
export async function retireCodes(db: Database, codeId: string, userId: string, also: Statement[] = []): Promise<void> {
  const now = Date.now();
  await db.batch([db.update(resetCodes).set({ consumedAt: now }).where(eq(resetCodes.id, codeId)), supersedeOpen(db, userId, now), ...also]);
}

export async function retireOpenCodes(db: Database, userId: string, also: Statement[] = []): Promise<void> {
  await db.batch([supersedeOpen(db, userId, Date.now()), ...also]);
}

export async function deleteUserCodes(db: Database, userId: string): Promise<void> {
  await db.delete(resetCodes).where(eq(resetCodes.userId, userId));
}

function supersedeOpen(db: Database, userId: string, now: number) {
  return db
    .update(resetCodes)
    .set({ supersededAt: now })
    .where(and(eq(resetCodes.userId, userId), isNull(resetCodes.consumedAt), isNull(resetCodes.supersededAt)));
}
