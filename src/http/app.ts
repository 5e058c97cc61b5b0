import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { serviceConfig } from "../config/service-config";
import { database, replicaDatabase } from "../db/client";
import { devRoutes } from "./routes/dev";
import { ApiError } from "./errors";
import { handleError } from "./error-handler";
import { notFoundOrMethodNotAllowed } from "./method-not-allowed";
import { accessLog } from "./middleware/access-log";
import { MAX_BODY_BYTES, requireJsonBody } from "./middleware/json-body";
import { noStore } from "./middleware/no-store";
import { OPENAPI_PATH, openApiDocument } from "./openapi-document";
import { basePath } from "../config/base-path";
import { pathWithinBase } from "./base-path-routing";
import { notFoundPage, wantsNotFoundPage } from "./pages/not-found";
import { isPagePath } from "./pages/page-paths";
import { pageRoutes } from "./pages/routes";
import { router } from "./router";
import { applicationRoutes } from "./routes/applications";
import { auditEventRoutes } from "./routes/audit-events";
import { authorizationServerMetadataRoutes } from "./routes/authorization-server-metadata";
import { brandingRoutes } from "./routes/branding";
import { docsRoutes } from "./routes/docs";
import { changePasswordRoutes } from "./routes/change-password";
import { clientChangeRoutes } from "./routes/client-changes";
import { clientSecretRoutes } from "./routes/client-secrets";
import { clientRoutes } from "./routes/clients";
import { emailDeliveryRoutes } from "./routes/email-deliveries";
import { keyUsageRoutes } from "./routes/key-usage";
import { loginRoutes } from "./routes/login";
import { oauth2Routes } from "./routes/oauth2";
import { passwordResetRoutes } from "./routes/password-reset";
import { passwordResetPolicyRoutes } from "./routes/password-reset-policy";
import { sessionRoutes } from "./routes/sessions";
import { tenantRoutes } from "./routes/tenants";
import { userRoutes } from "./routes/users";
import { wellKnownRoutes } from "./routes/well-known";

export function createApp() {
  // Routes are matched without BASE_PATH; requests outside it match none (404).
  const app = router({ getPath: pathWithinBase });
  app.use(requestId());
  app.use(accessLog);
  // overwrite: false keeps the stricter headers the hosted pages set for themselves.
  app.use(secureHeaders({ overwrite: false }));
  app.use(async (c, next) => {
    basePath(c.env); // a malformed BASE_PATH answers 503 misconfigured, whatever the path
    await next();
  });
  const apiBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `The request body is over ${MAX_BODY_BYTES} bytes.`);
    },
  });
  // The hosted pages apply the same limit themselves, to answer it with a page (src/http/pages/routes.ts).
  app.use("*", (c, next) => (isPagePath(pathWithinBase(c.req.raw, { env: c.env })) ? next() : apiBodyLimit(c, next)));
  app.use("/api/v1/*", noStore);
  app.use("/dev/*", noStore);
  app.use("*", async (c, next) => {
    // Before any route: a missing or malformed secret answers 503 misconfigured, whatever was asked.
    c.set("config", await serviceConfig(c.env));
    c.set("db", database(c.env));
    c.set("replica", replicaDatabase(c.env));
    await next();
  });
  app.use("/api/v1/*", async (c, next) => (c.req.path.startsWith("/api/v1/oauth2/") ? next() : requireJsonBody(c, next)));

  app.route("/", wellKnownRoutes);
  app.route("/", authorizationServerMetadataRoutes);
  app.route("/api/v1", oauth2Routes);
  app.route("/api/v1", applicationRoutes);
  app.route("/api/v1", tenantRoutes);
  app.route("/api/v1", clientRoutes);
  app.route("/api/v1", clientChangeRoutes);
  app.route("/api/v1", clientSecretRoutes);
  app.route("/api/v1", userRoutes);
  app.route("/api/v1", passwordResetPolicyRoutes);
  app.route("/api/v1", brandingRoutes);
  app.route("/api/v1", passwordResetRoutes);
  app.route("/api/v1", changePasswordRoutes);
  app.route("/api/v1", loginRoutes);
  app.route("/api/v1", sessionRoutes);
  app.route("/api/v1", auditEventRoutes);
  app.route("/api/v1", emailDeliveryRoutes);
  app.route("/api/v1", keyUsageRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  app.openAPIRegistry.registerComponent("securitySchemes", "basicAuth", { type: "http", scheme: "basic" });
  app.doc31(OPENAPI_PATH, openApiDocument);

  app.route("/", pageRoutes);
  app.route("/docs", docsRoutes);
  app.route("/dev", devRoutes);
  app.notFound(notFoundOrMethodNotAllowed(() => app.routes, { wants: wantsNotFoundPage, render: notFoundPage }));
  app.onError(handleError);
  return app;
}

/** The one app instance: the fetch handler and the RPC entrypoint both serve it. */
export const app = createApp();
