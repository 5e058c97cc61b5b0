import type { Caller } from "../auth/caller";
import type { ServiceConfig } from "../config/service-config";
import type { Database } from "../db/client";
import type { M2mClient } from "../directory/clients";
import type { UserObjectTime } from "../user-object/call-time";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    caller: Caller;
    client: M2mClient;
    config: ServiceConfig;
    db: Database;
    replica: Database;
    requestId: string;
    /** The request's time in users' objects (src/http/middleware/access-log.ts). */
    userObjectTime: UserObjectTime;
    /** The error code the answer carries, set by the error handler for the access log. */
    errorCode: string;
  };
}
