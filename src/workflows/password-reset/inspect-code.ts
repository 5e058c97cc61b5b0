// What the hosted pages show before anyone types a password: whether a code could still be
// used. It only reads: loading a link any number of times spends, attempts and counts nothing.
import { replicaFirst } from "../../db/client";
import type { WorkflowDeps } from "../deps";
import { type FoundCode, codeHashes, findCode } from "./code-store";
import { type CodeKind, judgeCode } from "./decide";

/** Where the code belongs, when it is known at all: the page then wears its tenant's branding. */
interface Owner {
  applicationId: string;
  tenantId: string;
}

export type CodeStanding =
  /**
   * A usable code names its user (null for an OTP decoy): holding a usable link proves the mailbox.
   * `found`: the code and its user as read, for Reset Password on the same request to judge again without reading them twice.
   */
  | ({ state: "USABLE"; userId: string | null; found: FoundCode } & Owner)
  | ({ state: "EXPIRED_CODE" | "TOO_MANY_ATTEMPTS" } & Owner)
  | { state: "INVALID_CODE"; owner: Owner | null };

/** The same judgement Reset Password makes, for the code's own application, without acting on it. */
export async function inspectCode({ config, db, replica }: WorkflowDeps, kind: CodeKind, code: string): Promise<CodeStanding> {
  const hashes = await codeHashes(config.secretHashKeys, code);
  // A replica may still show a code open that has died: Reset Password's commit in the user's object refuses it.
  const found = await replicaFirst({ db, replica }, (r) => findCode(r, hashes));
  if (!found) return { state: "INVALID_CODE", owner: null };
  const row = found.code;
  const where = { applicationId: row.applicationId, tenantId: row.tenantId };
  const verdict = judgeCode(row, { kind }, row.applicationId, Date.now());
  if (verdict === "INVALID_CODE") return { state: "INVALID_CODE", owner: where };
  return verdict === "VERIFY" || verdict === "SPEND" ? { state: "USABLE", userId: row.userId, found, ...where } : { state: verdict, ...where };
}
