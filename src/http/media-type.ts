/** The request's media type without parameters, lower-cased: "application/json; charset=utf-8" -> "application/json". */
export function mediaType(req: { header(name: string): string | undefined }): string {
  return (req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
}
