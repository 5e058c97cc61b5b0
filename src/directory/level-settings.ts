/** A stored application- or tenant-level row without its key: the settings it overrides (null inherits). */
export function levelSettings<T>(row: Record<string, unknown> | undefined): T | null {
  if (!row) return null;
  const { applicationId: _a, tenantId: _t, ...settings } = row;
  return settings as T;
}
