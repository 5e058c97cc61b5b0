/**
 * A required setting is missing or malformed. The edge answers 503 `misconfigured` naming the
 * variable (never its value): the operator must fix the deployment, and a retry will not help
 * until then.
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
