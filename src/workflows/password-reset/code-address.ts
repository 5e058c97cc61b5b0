// The address object a code's OTP attempts are counted in: named by the subject the code was
// issued under (decoys too), placed by its tenant's policy as it is now.
import type { AddressObjectRef } from "../../address-object/stub";
import { policyForTenant } from "../../directory/policies";
import type { WorkflowDeps } from "../deps";
import type { ResetCodeRow } from "./code-store";

export async function addressOfCode(deps: Pick<WorkflowDeps, "replica">, row: ResetCodeRow) {
  const policy = await policyForTenant(deps.replica, { id: row.tenantId, applicationId: row.applicationId });
  const address: AddressObjectRef = { subject: row.subjectKey, location: policy.userObjectLocation };
  return { policy, address };
}
