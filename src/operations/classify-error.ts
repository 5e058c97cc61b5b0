// How the API answers each domain error, the same on both edges: its status, code and message,
// when to retry, and the violations of a 400. HTTP (src/http/error-handler.ts) and RPC
// (src/rpc/service-error.ts) only shape this into their own answers.
import { Forbidden, NotFound, Unauthenticated } from "../auth/refusals";
import { BreachCheckUnavailable } from "../breached-passwords/pwned-passwords";
import { Misconfigured } from "../config/misconfigured";
import { DependencyUnavailable, DuplicateError, isStorageFailure } from "../db/errors";
import { ConstraintViolationsError, type Violation } from "../policy/violations";
import { InvalidEndUserIp, TooManyRequests } from "../rate-limits/client-budgets";
import { TooManyPasswordAttempts } from "../workflows/too-many-password-attempts";
import { DeliveryNotRetryable } from "../workflows/email-delivery/retry";
import { UserInactive } from "./password-reset";

export interface ClassifiedError {
  status: 400 | 401 | 403 | 404 | 409 | 429 | 503;
  code: string;
  message: string;
  /** Seconds to wait before a retry can succeed; null when waiting does not help. */
  retryAfter: number | null;
  /** Only for 400 `constraint_violations_error`. */
  violations?: Record<string, Violation[]>;
  /** A failure an operator should see: the edge logs it (by error class only). */
  report: boolean;
  /** What only the operator may read (a misconfiguration's setting and problem): logged, and shown to admin callers only. */
  operatorDetail?: string;
}

const answer = (status: ClassifiedError["status"], code: string, message: string, retryAfter: number | null = null, report = false): ClassifiedError => ({
  status,
  code,
  message,
  retryAfter,
  report,
});

/** The answer to a domain error; null for anything else (the edge answers 500). */
export function classifyError(e: unknown): ClassifiedError | null {
  if (e instanceof ConstraintViolationsError) return { ...answer(400, e.code, e.message), violations: e.violations };
  if (e instanceof InvalidEndUserIp) return answer(400, "invalid_end_user_ip", e.message);
  if (e instanceof Unauthenticated) return answer(401, "unauthorized", e.message);
  if (e instanceof Forbidden) return answer(403, "forbidden", e.message);
  if (e instanceof NotFound) return answer(404, "not_found", e.message);
  if (e instanceof DuplicateError || e instanceof UserInactive) return answer(409, "conflict", e.message);
  if (e instanceof DeliveryNotRetryable) return answer(409, e.code, e.message);
  if (e instanceof TooManyRequests) return answer(429, "too_many_requests", e.message, e.retryAfterSeconds);
  if (e instanceof TooManyPasswordAttempts) {
    return e.retryAfterSeconds === null
      ? answer(429, "password_reset_required", e.message)
      : answer(429, "too_many_attempts", e.message, e.retryAfterSeconds);
  }
  // Which setting is wrong, and how, is for the operator: the public answer says only that it is.
  if (e instanceof Misconfigured) {
    return { ...answer(503, "misconfigured", "The service is misconfigured. Nothing was changed.", null, true), operatorDetail: e.message };
  }
  if (e instanceof DependencyUnavailable || isStorageFailure(e)) {
    return answer(503, "service_unavailable", "A storage dependency is unavailable. Nothing was changed; retry shortly.", 1, true);
  }
  if (e instanceof BreachCheckUnavailable) {
    return answer(
      503,
      "breached_check_unavailable",
      "The breached-password check is unavailable and the password policy fails closed. Nothing was changed; retry shortly.",
      5,
      true,
    );
  }
  return null;
}
