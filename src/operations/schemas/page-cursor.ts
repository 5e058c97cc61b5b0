// The cursor of a paged list, as a query parameter and as the page's `nextCursor` (src/db/page-cursor.ts).
import { z } from "@hono/zod-openapi";
import { decodeCursor } from "../../db/page-cursor";

/** A cursor this service did not hand out is a 400, like any other bad parameter. */
export const CursorParam = z
  .string()
  .max(256)
  .refine((s) => decodeCursor(s) !== null, { message: "Not a cursor this service handed out." })
  .openapi({ description: "The `nextCursor` of the previous page." });

export const NextCursor = z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last page." });
