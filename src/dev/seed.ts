// The embedded demo that `npm start` serves: application and tenant "demo", user alice@example.com
// (no password until she resets it) and an M2M client with every permission at Application
// boundary, whose id and secret come from DEV_CLIENT_ID / DEV_CLIENT_SECRET.
import { PERMISSIONS } from "../config/permissions";
import { createApplication, getApplication } from "../directory/applications";
import { clientOfApplication, createClient, resetClientSecret } from "../directory/clients";
import { createTenant, getTenant } from "../directory/tenants";
import { findUserByEmailRouted } from "../directory/user-shards";
import type { WorkflowDeps } from "../workflows/deps";
import { createUser } from "../workflows/users";

export const DEMO = {
  applicationId: "demoapplication00000000000",
  tenantId: "demotenant0000000000000000",
  aliceEmail: "alice@example.com",
} as const;

export async function seedDemo(deps: WorkflowDeps) {
  const { env, config, db } = deps;
  if (!(await getApplication(db, DEMO.applicationId))) await createApplication(db, "demo", DEMO.applicationId);
  if (!(await getTenant(db, DEMO.tenantId))) await createTenant(db, DEMO.applicationId, "demo", DEMO.tenantId);
  if (!(await findUserByEmailRouted(env, DEMO.tenantId, DEMO.aliceEmail, "primary"))) {
    await createUser(deps, { applicationId: DEMO.applicationId, tenantId: DEMO.tenantId, email: DEMO.aliceEmail, password: null });
  }
  if (!(await clientOfApplication(db, env.DEV_CLIENT_ID, DEMO.applicationId))) {
    await createClient(db, config.secretHashKeys, {
      id: env.DEV_CLIENT_ID,
      secret: env.DEV_CLIENT_SECRET,
      applicationId: DEMO.applicationId,
      tenantId: null,
      name: "demo (every permission)",
      permissions: [...PERMISSIONS],
    });
  } else {
    // .dev.vars may have been edited since the last start: the secret in it wins.
    await resetClientSecret(db, config.secretHashKeys, env.DEV_CLIENT_ID, env.DEV_CLIENT_SECRET, [...PERMISSIONS]);
  }
  return { ...DEMO, clientId: env.DEV_CLIENT_ID };
}
