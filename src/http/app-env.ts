import type { Caller } from "../auth/caller";
import type { Database } from "../db/client";
import type { M2mClient } from "../directory/clients";

export interface AppEnv {
  Bindings: Env;
  Variables: { caller: Caller; client: M2mClient; db: Database; requestId: string };
}
