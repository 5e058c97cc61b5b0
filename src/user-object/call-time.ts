/**
 * The time one request spends waiting on users' Durable Objects, summed over its calls (the
 * access log's `userObjectMs`). One per request, carried in WorkflowDeps: never shared between
 * requests, so concurrent requests in an isolate do not mix their figures.
 */
export class UserObjectTime {
  #ms = 0;

  add(ms: number): void {
    this.#ms += ms;
  }

  get ms(): number {
    return this.#ms;
  }
}
