import type { Caller } from "../auth/caller";
import type { ServiceConfig } from "../config/service-config";
import type { Database } from "../db/client";
import type { M2mClient } from "../directory/clients";

export interface AppEnv {
  Bindings: Env;
  Variables: { caller: Caller; client: M2mClient; config: ServiceConfig; db: Database; requestId: string };
}
