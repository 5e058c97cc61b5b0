// Times one operation and records its outcome: what it answered, or the class of what it threw
// (which is rethrown). Recording never throws and never waits.
import type { MeasuredOperation, Metrics } from "./metrics";

export interface MeasuredCall {
  operation: MeasuredOperation;
  applicationId: string | null;
  tenantId: string | null;
}

/** `describe` is read after the run, so that it can name what the run found (a code's tenant). */
export async function measured<T>(
  metrics: Metrics,
  describe: () => MeasuredCall,
  run: () => Promise<T>,
  judge: (answer: T) => { succeeded: boolean; reason: string },
): Promise<T> {
  const start = Date.now();
  try {
    const answer = await run();
    const { succeeded, reason } = judge(answer);
    metrics.record({ ...describe(), outcome: succeeded ? "succeeded" : "failed", reason, ms: Date.now() - start });
    return answer;
  } catch (e) {
    metrics.record({ ...describe(), outcome: "failed", reason: errorClass(e), ms: Date.now() - start });
    throw e;
  }
}

/** The class, never the message (which may carry input): some of ours keep Error's `name`. */
function errorClass(e: unknown): string {
  if (!(e instanceof Error)) return typeof e;
  return e.name !== "Error" ? e.name : e.constructor.name;
}
