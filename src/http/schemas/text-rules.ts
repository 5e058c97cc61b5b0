// Rules for text that reaches an email: a sender name, a subject (which carries the display name),
// an address or a link. A control character there does harm twice: a line break in a header value
// cannot be sent, so every email of the tenant would fail for good (`invalid_sender_name`), and a
// URL parser drops tabs and line breaks silently, so what was checked would not be what is stored.
// Such text is refused where it enters, with a violation naming the rule.
import { z } from "@hono/zod-openapi";
import { hasUserinfo } from "../../policy/page-urls";

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const NO_CONTROL_CHARACTERS = "Control characters (line breaks and tabs included) are refused with `control_characters_not_allowed`.";

export function withoutControlCharacters<T extends z.ZodString | z.ZodEmail>(schema: T): T {
  return schema.refine((value) => !CONTROL.test(value), {
    message: "Control characters are not allowed.",
    params: { code: "control_characters_not_allowed" },
  }) as T;
}

/**
 * A URL of these protocols, refused when it carries control characters. zod's URL check deletes
 * tabs and line breaks from the value it returns; the rule must see what was sent, so it comes first.
 */
export function urlWithoutControlCharacters(protocol: RegExp, maxLength: number) {
  // The document shows the URL the pipe ends in, not the string it starts from.
  return withoutControlCharacters(z.string()).pipe(z.url({ protocol }).max(maxLength)).openapi({ format: "uri", maxLength });
}

/** `https://bank.example@evil.example/` reads as the bank's address and opens the other host. */
export function withoutUserinfo<T extends z.ZodType<string>>(schema: T): T {
  return schema.refine((value) => !hasUserinfo(value), {
    message: "A URL with userinfo is not allowed.",
    params: { code: "userinfo_not_allowed" },
  }) as T;
}
