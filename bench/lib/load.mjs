// Closed-loop load: `concurrency` callers, each taking the next item as soon as its last call
// answered, until the items run out. Every loop is bounded by the number of items.

/**
 * Runs call(item, index, caller) for every item; latencies (ms) come back in item order. With
 * `maxMs`, no call starts after that long: the run ends early with the items it did (`n`).
 */
export async function drive(items, concurrency, call, { maxMs = Infinity } = {}) {
  const latencies = new Array(items.length);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async (_, caller) => {
      for (let i = next++; i < items.length && performance.now() - start < maxMs; i = next++) {
        const t = performance.now();
        await call(items[i], i, caller);
        latencies[i] = performance.now() - t;
      }
    }),
  );
  const wallMs = performance.now() - start;
  // Items are taken in order and every call started finishes, so the done ones are a prefix.
  const done = latencies.findIndex((x) => x === undefined);
  const n = done === -1 ? items.length : done;
  return { n, concurrency, wallMs, perSecond: (n / wallMs) * 1000, latencies: latencies.slice(0, n) };
}

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** p50/p95/p99 and throughput, rounded for the table; raw latencies stay in `latencies`. */
export function summarize(run) {
  return {
    n: run.n,
    concurrency: run.concurrency,
    perSecond: round(run.perSecond),
    p50: round(quantile(run.latencies, 0.5)),
    p95: round(quantile(run.latencies, 0.95)),
    p99: round(quantile(run.latencies, 0.99)),
  };
}

export const round = (x, digits = 1) => (x === undefined || x === null || Number.isNaN(x) ? null : Number(x.toFixed(digits)));

export const range = (n) => Array.from({ length: n }, (_, i) => i);
