// What the hosted pages show before anyone types a password: whether a code could still be
// used. It only reads: loading a link any number of times spends, attempts and counts nothing.
import { callAddressObject } from "../../address-object/stub";
import type { WorkflowDeps } from "../deps";
import { addressOfCode } from "./code-address";
import type { FoundCode, ResetCodeRow } from "./code-store";
import { findCodeOnItsShard } from "./code-shards";
import { type CodeKind, judgeCode, otpAttemptBudget } from "./decide";

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
export async function inspectCode(deps: WorkflowDeps, kind: CodeKind, code: string): Promise<CodeStanding> {
  // A replica may still show a code open that has died: Reset Password's commit in the user's object refuses it.
  const found = await findCodeOnItsShard(deps, code);
  if (!found) return { state: "INVALID_CODE", owner: null };
  const row = found.code;
  const where = { applicationId: row.applicationId, tenantId: row.tenantId };
  const verdict = judgeCode(row, { kind }, row.applicationId, Date.now());
  if (verdict === "INVALID_CODE") return { state: "INVALID_CODE", owner: where };
  if (verdict === "VERIFY" && (await otpLocked(deps, row))) return { state: "TOO_MANY_ATTEMPTS", ...where };
  return verdict === "VERIFY" || verdict === "SPEND" ? { state: "USABLE", userId: row.userId, found, ...where } : { state: verdict, ...where };
}

/** Whether the OTP request has no attempt left: its count is in the address's object, not in the row. */
async function otpLocked(deps: WorkflowDeps, row: ResetCodeRow): Promise<boolean> {
  const { address } = await addressOfCode(deps, row);
  return (await callAddressObject(deps.env, address, "otpAttemptsTaken", row.id)) >= otpAttemptBudget(row);
}
