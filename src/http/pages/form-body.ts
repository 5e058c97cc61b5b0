// What a form POST to a page carries. Our forms are sent as UTF-8 `application/x-www-form-urlencoded`
// (multipart is read too); a body in another charset, a multipart body without its boundary, or no
// form at all is the sender's mistake, and resending it never helps: it answers a 400 page, never
// the 503 "try again" that only a failing dependency deserves.
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { MAX_BODY_BYTES } from "../middleware/json-body";

export type FormFields = Record<string, string | File>;

/** A form body the page cannot read; the pages answer it with 400 (src/http/pages/routes.ts). */
export class UnreadableForm extends Error {
  override name = "UnreadableForm";
}

/** A body over the pages' limit (the API's 16 KiB); the pages answer it with 413. */
export class FormTooLarge extends Error {
  override name = "FormTooLarge";
}

/** The API's body limit, with an error the pages answer in HTML. */
export const pageBodyLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new FormTooLarge();
  },
});

function readableType(header: string | undefined): boolean {
  const [media = "", ...params] = (header ?? "").split(";").map((p) => p.trim());
  const named = new Map<string, string>();
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq > 0) named.set(param.slice(0, eq).trim().toLowerCase(), param.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1"));
  }
  const charset = named.get("charset");
  if (charset !== undefined && charset.toLowerCase() !== "utf-8") return false;
  if (media.toLowerCase() === "application/x-www-form-urlencoded") return true;
  return media.toLowerCase() === "multipart/form-data" && (named.get("boundary") ?? "") !== "";
}

/** The fields of the form this request carries; throws UnreadableForm when it carries none the page can read. */
export async function formFields(c: Context): Promise<FormFields> {
  if (!readableType(c.req.header("Content-Type"))) throw new UnreadableForm("not a UTF-8 form");
  try {
    // hono keeps the parsed body, so a second read of the same request costs nothing.
    return await c.req.parseBody();
  } catch (e) {
    throw new UnreadableForm("malformed form body", { cause: e });
  }
}
