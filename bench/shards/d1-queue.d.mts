export interface DatabaseStats {
  calls: number;
  statements: number;
  busyMs: number;
  utilisation: number;
  meanWaitMs: number;
  maxWaitMs: number;
  backlogMs: number;
}
export interface D1Model {
  serviceMs: number;
  hold(name: string, statements: number, now: number): number;
  stats(now: number): { serviceMs: number; elapsedMs: number; databases: Record<string, DatabaseStats> };
  reset(now: number): void;
}
export function createD1Model(serviceMs?: number): D1Model;
