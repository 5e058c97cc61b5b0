// Admin reset links: a passwordResetCode handed to the caller (not emailed); a new link kills the old.
// Null when the user's object refuses resets.
import { auditInsert } from "../../audit/record";
import { newId, randomToken } from "../../crypto/random";
import { policyForTenant } from "../../directory/policies";
import { type User, emailKey } from "../../directory/users";
import { userDatabase, userShard } from "../../directory/user-shards";
import { shardedCode } from "../../shards/sharded-id";
import { callUserObject } from "../../user-object/stub";
import type { WorkflowDeps } from "../deps";
import { resetLink } from "../reset-link";
import { codeHashes, issueAdminLinkCode, subjectKeys } from "./code-store";

export async function createPasswordResetLink(deps: WorkflowDeps, user: User, baseUrl: string) {
  const { config, env, audit } = deps;
  // On the user's shard, with the user's row: the code carries the shard, and its event commits with it.
  const db = userDatabase(env, user);
  const policy = await policyForTenant(deps.replica, { id: user.tenantId, applicationId: user.applicationId });
  const code = shardedCode(userShard(env, user), randomToken());
  // The user's object records this link as the newest before anyone holds it, and refuses every
  // older link at the commit, whatever a lagging replica says of it.
  const createdAt = Date.now();
  const credentialVersion = await callUserObject(deps, user, "credentialVersion", { family: "ADMIN_LINK", at: createdAt });
  // The user's object refuses resets: deleted, with the directory row not yet gone.
  if (credentialVersion === null) return null;
  const expiresAt = Date.now() + policy.resetLinkTtlSeconds * 1000;
  const created = auditInsert(db, audit, {
    type: "password_reset.link_created",
    applicationId: user.applicationId,
    tenantId: user.tenantId,
    userId: user.id,
    detail: { expiresAt: new Date(expiresAt).toISOString() },
  });
  await issueAdminLinkCode(db, {
    id: newId(),
    applicationId: user.applicationId,
    tenantId: user.tenantId,
    userId: user.id,
    subjectKey: (await subjectKeys(config.secretHashKeys, user.tenantId, emailKey(user.email)))[0]!,
    kind: "ADMIN_LINK",
    codeHash: (await codeHashes(config.secretHashKeys, code))[0]!,
    verificationHash: null,
    credentialVersion,
    maxAttempts: 0,
    expiresAt,
  }, [created], createdAt);
  return { passwordResetLink: resetLink(policy.resetPageUrl, baseUrl, "passwordResetCode", code), expiresAt: new Date(expiresAt).toISOString() };
}
