/**
 * The link a code travels in: the effective resetPageUrl (default this service's /reset-password)
 * with the code in a query parameter named after its API field.
 */
export function resetLink(resetPageUrl: string | null, baseUrl: string, field: "emailAuthCode" | "passwordResetCode", code: string): string {
  const url = new URL(resetPageUrl ?? `${baseUrl}/reset-password`);
  url.searchParams.set(field, code);
  return url.toString();
}
