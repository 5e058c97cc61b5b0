import { everyDatabase } from "../../shards/routing";
import { z } from "@hono/zod-openapi";
import { keyUsage } from "../../workflows/key-usage";
import { apiRoute } from "../api-route";
import { requireCaller } from "../middleware/authenticate";
import { router } from "../router";
import { bearerSecurity, iso, jsonResponse } from "../schemas/common";

const standing = {
  keyId: z.string(),
  current: z.boolean().openapi({ description: "The first key of its list: new values are made under it." }),
  configured: z.boolean().openapi({ description: "Still in the list. False: values under this kid are found in storage but no longer verify." }),
};

const KeyUsage = z
  .object({
    secretHashKeys: z.array(
      z
        .object({
          ...standing,
          clientSecrets: z.number().int().openapi({ description: "M2M clients whose secret hash is under this key. Re-hashed when the client next authenticates." }),
          openResetCodes: z.number().int().openapi({ description: "Reset codes neither spent, superseded nor expired." }),
          usersWithRefreshTokens: z.number().int().openapi({
            description:
              "Users who may hold an unrotated refresh token stored under this key, as their objects last reported (after each login, refresh and password change), until the session's absolute end rounded up to the day.",
          }),
        })
        .openapi("SecretHashKeyUsage"),
    ),
    passwordPeppers: z.array(
      z
        .object({ ...standing, passwordHashes: z.number().int().openapi({ description: "Users whose password hash is under this pepper, as their objects last reported. Re-hashed at the next successful login." }) })
        .openapi("PasswordPepperUsage"),
    ),
    usersNotReported: z.number().int().openapi({
      description: "Users whose object has not reported its keys yet (created before the report existed, and not logged in, refreshed or reset since): their keys are unknown.",
    }),
    countedAt: z.string(),
  })
  .openapi("KeyUsage");

export const keyUsageRoutes = router().openapi(
  apiRoute({
    method: "get",
    path: "/key-usage",
    operationId: "getKeyUsage",
    summary: "What still depends on each SECRET_HASH_KEY and PASSWORD_PEPPER key (ADMIN_TOKEN only)",
    description:
      "Counts, per key id, the stored values that verify only while that key is configured: client secrets, open reset codes, refresh tokens and password hashes. An old key can be removed when all its counts are zero (see the README, \"When can an old key go?\"). Reads every client, open code and user row once.",
    security: bearerSecurity,
    middleware: [requireCaller({ admin: "only" })] as const,
    responses: { 200: jsonResponse(KeyUsage, "Counts per key id, configured keys first (current first).") },
  }),
  async (c) => {
    const report = await keyUsage(c.var.config, everyDatabase(c.env));
    return c.json({ ...report, countedAt: iso(report.countedAt) }, 200);
  },
);
