// The user-dependent half of Request Password Reset, run by the email queue's consumer for each
// job: find the active user the email belongs to, then issue the codes the email will carry.
import { base64url } from "jose";
import { publicBaseUrl } from "../../config/public-origin";
import { serviceConfig } from "../../config/service-config";
import type { Keyring } from "../../crypto/keyring";
import { ID_LENGTH, randomDigits } from "../../crypto/random";
import { policyForTenant } from "../../directory/policies";
import { type Tenant, getTenant } from "../../directory/tenants";
import { type User, emailKey } from "../../directory/users";
import { findUsersByEmailRouted } from "../../directory/user-shards";
import { shardMapOf } from "../../shards/shard-map";
import { shardOfId, shardedCode } from "../../shards/sharded-id";
import type { Language } from "../../copy/catalog";
import type { EmailJob, PasswordResetJob } from "../../email/message";
import type { Database } from "../../db/client";
import type { PasswordResetPolicy } from "../../policy/password-reset-policy";
import { callUserObject } from "../../user-object/stub";
import { resetLink } from "../reset-link";
import { type EmailCodeIssue, type NewCode, codeHashes, subjectKeys, verificationHash } from "./code-store";

export interface ResetRecipient {
  tenant: Tenant;
  policy: PasswordResetPolicy;
  user: User;
  /** Read from the user's object on this attempt: the codes are issued at it. */
  credentialVersion: number;
}

/**
 * An OTP email carries a one-time link as well: a locked OTP never keeps the owner from resetting.
 * `secondsLeft`: the codes' time left when the attempt began; `expiresInMinutes`: that, in whole
 * minutes rounded down, never more than the TTL (a retry's codes keep their first expiry).
 */
export type EmailedCode = { secondsLeft: number; expiresInMinutes: number } & (
  | { template: "PASSWORD_RESET_LINK"; link: string }
  | { template: "PASSWORD_RESET_OTP"; verificationCode: string; link: string }
);

/** Who a job's codes are for: the user, or nobody (a decoy), with the subject under every key. */
interface Issue {
  keys: Keyring;
  tenant: Tenant;
  policy: PasswordResetPolicy;
  job: PasswordResetJob;
  user: { userId: string; credentialVersion: number } | null;
  subjects: string[];
  /** The attempt's clock: fresh codes expire a TTL after it, and the email's time left counts from it. */
  now: number;
}

async function issueFor(env: Env, tenant: Tenant, policy: PasswordResetPolicy, job: PasswordResetJob, user: Issue["user"]): Promise<Issue> {
  const keys = (await serviceConfig(env)).secretHashKeys;
  return { keys, tenant, policy, job, user, subjects: await subjectKeys(keys, tenant.id, emailKey(job.to)), now: Date.now() };
}

/** The user a reset job's email belongs to, as the batch's lookup (usersOfJobs) finds it; null: none. */
export type JobUser = Promise<User | null>;

/**
 * The users of a batch's reset jobs, looked up together at the replica: one D1 batch per database
 * for the whole batch (user-shards.ts findUsersByEmailRouted), not a read per job. Every job's
 * address is read wherever it may be, known or not, so the reads tell nothing about who is known.
 * Per job, in order, its user (a job of another kind is for no user and reads nothing). A failed
 * read fails the jobs whose addresses it carried, which then retry.
 */
export function usersOfJobs(env: Env, jobs: readonly EmailJob[]): JobUser[] {
  const resets = jobs.flatMap((job, i) => (job.kind === "PASSWORD_RESET" ? [{ job, i }] : []));
  const found = findUsersByEmailRouted(env, resets.map(({ job }) => ({ tenantId: job.tenantId, email: job.to })), "replica");
  for (const user of found) user.catch(() => undefined); // its job sees a failure when it asks; a job may end before it asks
  const users: JobUser[] = jobs.map(() => Promise.resolve(null));
  resets.forEach(({ i }, k) => (users[i] = found[k]!));
  return users;
}

/** The job's recipient, or none: then maybe a decoy to store (see findResetRecipient). */
export type RecipientLookup = { recipient: ResetRecipient; decoy: null } | { recipient: null; decoy: EmailCodeIssue | null };

/**
 * The active user the job's email belongs to, or null. For an unknown or inactive email under OTP,
 * or a user whose object refuses resets (deleted), it builds a decoy for the caller to store (no
 * user, so it can never succeed), so that the caller's requestCode locks after the same number of
 * wrong guesses as a real one.
 */
export async function findResetRecipient(env: Env, db: Database, job: PasswordResetJob, jobUser: JobUser): Promise<RecipientLookup> {
  const tenant = await getTenant(db, job.tenantId);
  if (!tenant) return { recipient: null, decoy: null };
  const [policy, user] = await Promise.all([policyForTenant(db, tenant), jobUser]);
  // Recorded as the user's newest email request before its codes are stored or sent: the object then
  // refuses any code of an older request, even one a lagging replica still shows open.
  const issuing = { family: "EMAIL", at: job.createdAt } as const;
  const credentialVersion = user?.status === "ACTIVE" ? await callUserObject({ env }, user, "credentialVersion", issuing) : null;
  if (!user || credentialVersion === null) {
    if (!job.requestCodeHash) return { recipient: null, decoy: null };
    const decoy = await issueFor(env, tenant, policy, job, null);
    return { recipient: null, decoy: { codes: [await otpRow(decoy, randomDigits(policy.otpLength))], requestedAt: job.createdAt, subjects: decoy.subjects } };
  }
  return { recipient: { tenant, policy, user, credentialVersion }, decoy: null };
}

/**
 * The codes for one delivery attempt, and the email's view of them; only their keyed hashes are
 * stored (emailCodeStatements). Storing them issues nothing when a newer request, or the spending
 * of this one, made the job moot.
 *
 * The codes are the job's, not the attempt's: HMAC of the job id under the SECRET_HASH_KEY subkey
 * "email-code". A retry after the provider took the mail but `sent` was not recorded (a crash, a
 * D1 failure) re-derives the same codes and rewrites the same rows, so it never kills the link the
 * user already has; with the send_email binding, which has no idempotency key, the worst case is a
 * second email with the same link. They stay unpredictable: the job id is 134 random bits and the
 * key is secret; someone who holds SECRET_HASH_KEY is outside the threat model (SECURITY.md).
 * Only a key rotation between two attempts of a job gives the retry new codes.
 */
export async function resetEmailCodes(env: Env, r: ResetRecipient, job: PasswordResetJob): Promise<{ issue: EmailCodeIssue; emailed: (expiresAt: number) => EmailedCode }> {
  const issue = await issueFor(env, r.tenant, r.policy, job, { userId: r.user.id, credentialVersion: r.credentialVersion });
  const now = issue.now;
  const left = (expiresAt: number, ttlSeconds: number) => {
    const secondsLeft = Math.floor((expiresAt - now) / 1000);
    return { secondsLeft, expiresInMinutes: Math.max(0, Math.min(Math.floor(secondsLeft / 60), Math.floor(ttlSeconds / 60))) };
  };
  // On the job's shard, where its codes are written with its delivery row (deliver-batch.ts).
  const emailAuthCode = shardedCode(shardOfId(shardMapOf(env), job.id), base64url.encode(await issue.keys.mac("email-code", `${job.id}/emailAuthCode`)));
  const stored = (codes: EmailCodeIssue["codes"]): EmailCodeIssue => ({ codes, requestedAt: job.createdAt, subjects: issue.subjects });
  // Built once the attempt is recorded: a deployment without a public origin then shows `retrying`.
  const link = () => emailedLink(env, r.policy, emailAuthCode, job.language);
  if (job.template === "PASSWORD_RESET_OTP") {
    const verificationCode = await jobDigits(issue.keys, job.id, r.policy.otpLength);
    const ttlSeconds = r.policy.otpTtlSeconds;
    return {
      issue: stored([await otpRow(issue, verificationCode), await linkRow(issue, emailAuthCode, ttlSeconds)]),
      emailed: (expiresAt) => ({ template: "PASSWORD_RESET_OTP", verificationCode, link: link(), ...left(expiresAt, ttlSeconds) }),
    };
  }
  const ttlSeconds = r.policy.emailLinkTtlSeconds;
  return { issue: stored([await linkRow(issue, emailAuthCode, ttlSeconds)]), emailed: (expiresAt) => ({ template: "PASSWORD_RESET_LINK", link: link(), ...left(expiresAt, ttlSeconds) }) };
}

/**
 * A reset asked for in a page's language carries it as `?lang=`, which the page reads first: the
 * email and the page it opens speak the same language. Without one, the reader's browser decides.
 */
function emailedLink(env: Env, policy: PasswordResetPolicy, emailAuthCode: string, language: Language | null): string {
  const link = new URL(resetLink(policy.resetPageUrl, publicBaseUrl(env), "emailAuthCode", emailAuthCode));
  if (language) link.searchParams.set("lang", language);
  return link.toString();
}

/** `length` uniform digits from the job's HMAC stream (rejection sampling, so no digit is favoured). */
async function jobDigits(keys: Keyring, jobId: string, length: number): Promise<string> {
  let digits = "";
  for (let block = 0; digits.length < length; block++) {
    for (const b of await keys.mac("email-code", `${jobId}/verificationCode/${block}`)) {
      if (b < 250 && digits.length < length) digits += String(b % 10);
    }
  }
  return digits;
}

/** The link row's id, fixed by the job so that a retry rewrites it (an id, not a secret). */
async function linkRowId(jobId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`email-link/${jobId}`)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, ID_LENGTH);
}

async function linkRow(i: Issue, emailAuthCode: string, ttlSeconds: number): Promise<NewCode> {
  return {
    id: await linkRowId(i.job.id),
    applicationId: i.tenant.applicationId,
    tenantId: i.tenant.id,
    userId: i.user?.userId ?? null,
    subjectKey: i.subjects[0]!,
    kind: "EMAIL_LINK",
    codeHash: (await codeHashes(i.keys, emailAuthCode))[0]!,
    verificationHash: null,
    credentialVersion: i.user?.credentialVersion ?? null,
    maxAttempts: i.policy.otpMaxAttempts,
    expiresAt: i.now + ttlSeconds * 1000,
  };
}

/** The OTP request row the caller's requestCode names: its id is the job's, stable across attempts. */
async function otpRow(i: Issue, verificationCode: string): Promise<NewCode> {
  if (!i.job.requestCodeHash) throw new TypeError("An OTP job carries its requestCode's hash.");
  return {
    id: i.job.id,
    applicationId: i.tenant.applicationId,
    tenantId: i.tenant.id,
    userId: i.user?.userId ?? null,
    subjectKey: i.subjects[0]!,
    kind: "EMAIL_OTP",
    codeHash: i.job.requestCodeHash,
    verificationHash: await verificationHash(i.keys, i.job.id, verificationCode),
    credentialVersion: i.user?.credentialVersion ?? null,
    maxAttempts: i.policy.otpMaxAttempts,
    expiresAt: i.now + i.policy.otpTtlSeconds * 1000,
  };
}
