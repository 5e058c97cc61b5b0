// The API's ids and times, as both edges accept and answer them.
import { z } from "@hono/zod-openapi";
import { ID_LENGTH } from "../../crypto/random";

export const Id = z.string().regex(new RegExp(`^[a-z0-9]{${ID_LENGTH}}$`)).openapi({ example: "f1kq8zv0m3c7yq2x9rbn4t6wsa" });

export const iso = (ms: number) => new Date(ms).toISOString();
