/**
 * A required setting is missing or malformed. The edge answers 503 `misconfigured`: the operator
 * must fix the deployment, and a retry will not help until then. The message names the variable
 * and what is wrong (never its value); it goes to the log and to admin callers, not to the public.
 */
export class Misconfigured extends Error {
  override name = "Misconfigured";
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable} ${problem}.`);
  }
}

const reported = new Set<string>();

/** One log line per problem per isolate, not one per request. The message never holds a value. */
export function reportMisconfigured(e: Misconfigured): void {
  if (reported.has(e.message)) return;
  reported.add(e.message);
  console.error(JSON.stringify({ event: "misconfigured", variable: e.variable, problem: e.message }));
}
