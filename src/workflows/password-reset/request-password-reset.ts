// Request Password Reset: answer at once, identically for known, unknown and inactive emails.
// The only work on the response path is the same for every email: the tenant's policy, the
// per-address email limit (in the address's Durable Object, no D1 write), and one job on the email queue, awaited before the answer so that an
// accepted request is never lost. Over the limit nothing is queued, and the answer is the same.
// Everything that depends on the user (the code, the decoy, the email) happens in the queue's
// consumer (issue-email-code.ts, src/email/delivery).
import { publicBaseUrl } from "../../config/public-origin";
import type { Language } from "../../copy/catalog";
import { randomToken } from "../../crypto/random";
import { policyForTenant } from "../../directory/policies";
import type { Tenant } from "../../directory/tenants";
import { emailKey } from "../../directory/users";
import { checkEmailSettings } from "../../email/providers/select";
import { enqueueEmail } from "../../email/queue";
import { recordResetHeld, resetRequestedDraft } from "../../audit/reset-requested";
import { callAddressObject } from "../../address-object/stub";
import { measured } from "../../metrics/measure";
import { shardForEmail } from "../../shards/routing";
import { newShardedId, shardedCode } from "../../shards/sharded-id";
import { type WorkflowDeps, workflowMetrics } from "../deps";
import { codeHashes, subjectKeys } from "./code-store";

export type RequestPasswordResetAnswer = { emailVerificationStrategy: "LINK" } | { emailVerificationStrategy: "OTP"; requestCode: string };

/** `language`: the hosted page's language, when a page asks; otherwise the tenant's default. */
export function requestPasswordReset(deps: WorkflowDeps, tenant: Tenant, email: string, language?: Language): Promise<RequestPasswordResetAnswer> {
  const call = () => ({ operation: "request_password_reset", applicationId: tenant.applicationId, tenantId: tenant.id }) as const;
  return measured(workflowMetrics(deps), call, () => acceptRequest(deps, tenant, email, language), () => ({ succeeded: true, reason: "ACCEPTED" }));
}

async function acceptRequest(deps: WorkflowDeps, tenant: Tenant, email: string, language?: Language): Promise<RequestPasswordResetAnswer> {
  const { env, config, replica } = deps;
  // A deployment without links or a way to send fails here (503 misconfigured), before it promises an email.
  publicBaseUrl(env);
  checkEmailSettings(env);
  const policy = await policyForTenant(replica, tenant);
  const otp = policy.emailVerificationStrategy === "OTP";
  // The job, its delivery row and its codes go to the shard of this tenant and address (src/shards);
  // the requestCode carries it, so the reset reads that shard alone.
  const shard = shardForEmail(env, tenant.id, emailKey(email));
  const requestCode = shardedCode(shard, randomToken());
  const answer = otp ? ({ emailVerificationStrategy: "OTP", requestCode } as const) : ({ emailVerificationStrategy: "LINK" } as const);
  // Keyed by the tenant-and-email subject, so unknown and inactive addresses count alike.
  const [subject] = await subjectKeys(config.secretHashKeys, tenant.id, emailKey(email));
  const address = { subject: subject!, location: policy.userObjectLocation };
  const slot = await callAddressObject(env, address, "reserveEmailSend", policy);
  if (slot === null) {
    recordResetHeld(deps, tenant, email, policy.emailVerificationStrategy);
    return answer;
  }
  const deliveryId = newShardedId(shard);
  const requestCodeHash = otp ? (await codeHashes(config.secretHashKeys, requestCode))[0]! : null;
  try {
    await enqueueEmail(env, {
      kind: "PASSWORD_RESET",
      id: deliveryId,
      template: otp ? "PASSWORD_RESET_OTP" : "PASSWORD_RESET_LINK",
      applicationId: tenant.applicationId,
      tenantId: tenant.id,
      to: email,
      requestCodeHash,
      language: language ?? null,
      createdAt: Date.now(),
      // The trail's event rides on the job: its consumer, which finds the user anyway, records it.
      requested: resetRequestedDraft(deps, tenant, policy.emailVerificationStrategy, deliveryId),
    });
  } catch (e) {
    // The answer is 503 and the caller will retry: the slot goes back, or the retry would be held
    // by the cooldown as if this email had gone. If the object fails here too, the slot ages out.
    await callAddressObject(env, address, "releaseEmailSend", slot).catch(() => undefined);
    throw e;
  }
  return answer;
}
