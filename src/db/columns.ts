import { integer } from "drizzle-orm/sqlite-core";

/** Milliseconds since the epoch, as every table stores time. */
export const createdAt = () => integer("created_at").notNull();
