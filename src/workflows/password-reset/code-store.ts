// D1 storage steps for reset codes. Single statements and db.batch are atomic on D1; there are no
// interactive transactions, so every check-and-set is a guarded statement.
import { and, eq, gt, inArray, isNull, lte, notInArray, sql } from "drizzle-orm";
import type { Keyring } from "../../crypto/keyring";
import type { Database, Statement } from "../../db/client";
import { codeFailures, resetCodes } from "../../db/schema";
import { OTP_GUESS_WINDOW_MS } from "../../policy/otp-guessing";
import type { PasswordResetPolicy } from "../../policy/password-reset-policy";
import type { CodeKind } from "./decide";

export type ResetCodeRow = typeof resetCodes.$inferSelect;

/**
 * Keyed hashes binding the per-user limit and supersession to tenant and email, so decoys and real
 * users count alike. Under every configured key, current first: the first is stored, all are matched.
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
/** `also`: statements that commit with the code, or not at all (its audit event). */
export async function issueAdminLinkCode(db: Database, code: NewCode, also: Statement[] = []): Promise<void> {
  const now = Date.now();
  const supersede = db
    .update(resetCodes)
    .set({ supersededAt: now })
    .where(and(eq(resetCodes.userId, code.userId!), eq(resetCodes.kind, "ADMIN_LINK"), open()));
  await db.batch([supersede, db.insert(resetCodes).values({ ...code, createdAt: now }), ...also]);
}

/**
 * Stores the codes a reset email carries (an OTP email carries a one-time link too, so whoever
 * locks the OTP cannot keep the owner from resetting). Email codes date from their request (`requestedAt`) and
 * supersede by subject (tenant and email), which decoys share with real users. A delivery retry
 * therefore never supersedes a newer request: it supersedes the family's older open codes (its
 * own earlier attempt included), and a job that a newer request overtook issues nothing. OTP rows
 * keep the job's id across attempts, because the caller's requestCode names them; a retry gives
 * them a fresh verification code. Answers false when nothing was issued. `subjects`: the subject
 * under every configured key, so that codes issued before a key rotation are superseded too.
 */
export async function issueEmailCode(db: Database, codes: [NewCode, ...NewCode[]], requestedAt: number, subjects: string[]): Promise<boolean> {
  const family = and(inArray(resetCodes.subjectKey, subjects), inArray(resetCodes.kind, EMAIL_KINDS));
  const newer = await db.select({ id: resetCodes.id }).from(resetCodes).where(and(family, gt(resetCodes.createdAt, requestedAt))).limit(1);
  if (newer.length > 0) return false;
  const supersede = db
    .update(resetCodes)
    .set({ supersededAt: Date.now() })
    .where(and(family, notInArray(resetCodes.id, codes.map((c) => c.id)), lte(resetCodes.createdAt, requestedAt), open()));
  const insert = (code: NewCode) =>
    db
      .insert(resetCodes)
      .values({ ...code, createdAt: requestedAt })
      .onConflictDoUpdate({
        target: resetCodes.id,
        set: { verificationHash: code.verificationHash, credentialVersion: code.credentialVersion, expiresAt: code.expiresAt },
        setWhere: open(),
      })
      .returning({ id: resetCodes.id });
  const [first, ...more] = codes;
  const [, issued] = await db.batch([supersede, insert(first), ...more.map(insert)]);
  return issued.length === 1;
}

export async function findCode(db: Database, hashes: string[]): Promise<ResetCodeRow | null> {
  return (await db.select().from(resetCodes).where(inArray(resetCodes.codeHash, hashes)).get()) ?? null;
}

/**
 * Takes one of the OTP request's attempts, if any is left, and answers how many are now taken
 * (null: none was left). Concurrent guesses cannot share one.
 */
export async function reserveAttempt(db: Database, codeId: string): Promise<number | null> {
  const rows = await db
    .update(resetCodes)
    .set({ attempts: sql`${resetCodes.attempts} + 1` })
    .where(and(eq(resetCodes.id, codeId), sql`${resetCodes.attempts} < ${resetCodes.maxAttempts}`))
    .returning({ attempts: resetCodes.attempts });
  return rows[0]?.attempts ?? null;
}

/** Takes one of the subject's hourly wrong-code allowance, if any is left: one guarded INSERT. */
export async function reserveSubjectFailure(db: Database, subject: string, limit: number, now: number): Promise<number | null> {
  const rows = await db.all<{ id: number }>(sql`
    INSERT INTO code_failures (subject_key, failed_at)
    SELECT ${subject}, ${now}
    WHERE (SELECT count(*) FROM code_failures WHERE subject_key = ${subject} AND failed_at > ${now - OTP_GUESS_WINDOW_MS}) < ${limit}
    RETURNING id`);
  return rows[0]?.id ?? null;
}

export type EmailSendLimit = Pick<PasswordResetPolicy, "resetEmailCooldownSeconds" | "resetEmailsPerWindow" | "resetEmailWindowSeconds">;

/**
 * Takes one of the subject's reset emails, if the cooldown has passed and the window has room:
 * one guarded INSERT, so concurrent requests cannot share a slot. Null: send nothing.
 */
export async function reserveEmailSend(db: Database, subject: string, limit: EmailSendLimit, now: number): Promise<number | null> {
  const rows = await db.all<{ id: number }>(sql`
    INSERT INTO reset_email_sends (subject_key, sent_at)
    SELECT ${subject}, ${now}
    WHERE NOT EXISTS (SELECT 1 FROM reset_email_sends WHERE subject_key = ${subject} AND sent_at > ${now - limit.resetEmailCooldownSeconds * 1000})
      AND (SELECT count(*) FROM reset_email_sends WHERE subject_key = ${subject} AND sent_at > ${now - limit.resetEmailWindowSeconds * 1000}) < ${limit.resetEmailsPerWindow}
    RETURNING id`);
  return rows[0]?.id ?? null;
}

/** A correct verificationCode gives back the attempt and allowance it reserved. */
export async function refundAttempt(db: Database, codeId: string, failureId: number): Promise<void> {
  await db.batch([
    db.update(resetCodes).set({ attempts: sql`max(${resetCodes.attempts} - 1, 0)` }).where(eq(resetCodes.id, codeId)),
    db.delete(codeFailures).where(eq(codeFailures.id, failureId)),
  ]);
}

/** Bookkeeping after the user's object committed a change; the credential version already killed these codes. */
export async function retireCodes(db: Database, codeId: string, userId: string): Promise<void> {
  const now = Date.now();
  await db.batch([db.update(resetCodes).set({ consumedAt: now }).where(eq(resetCodes.id, codeId)), supersedeOpen(db, userId, now)]);
}

export async function retireOpenCodes(db: Database, userId: string): Promise<void> {
  await supersedeOpen(db, userId, Date.now());
}

function supersedeOpen(db: Database, userId: string, now: number) {
  return db
    .update(resetCodes)
    .set({ supersededAt: now })
    .where(and(eq(resetCodes.userId, userId), isNull(resetCodes.consumedAt), isNull(resetCodes.supersededAt)));
}
