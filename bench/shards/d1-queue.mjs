// The single-threaded D1 model of the shard-scaling load test (issue 19 item 6): each database is
// one FIFO queue with a fixed service time per statement. A call arriving at `now` starts when the
// database's earlier calls have finished and holds it for statements × service time; the caller
// waits until then, and only then does the real (local) D1 answer it. The queue is kept in virtual
// time (when the database is next free), not as a chain of timers, so that a timer firing late on a
// busy CPU delays that caller but never lowers the database's modelled rate.

/** @param {number} serviceMs */
export function createD1Model(serviceMs = 1) {
  /** @type {Map<string, { freeAt: number, calls: number, statements: number, busyMs: number, waitMs: number, maxWaitMs: number }>} */
  const databases = new Map();
  let since = 0;
  const model = {
    serviceMs,
    /**
     * Admits one call of `statements` statements to database `name` at `now` (ms); answers how
     * long its caller waits before the real call: the queue ahead of it plus its own service.
     */
    hold(name, statements, now) {
      let db = databases.get(name);
      if (!db) databases.set(name, (db = { freeAt: now, calls: 0, statements: 0, busyMs: 0, waitMs: 0, maxWaitMs: 0 }));
      const start = Math.max(now, db.freeAt);
      const service = statements * model.serviceMs;
      db.freeAt = start + service;
      db.calls++;
      db.statements += statements;
      db.busyMs += service;
      db.waitMs += start - now;
      db.maxWaitMs = Math.max(db.maxWaitMs, start - now);
      return db.freeAt - now;
    },
    /** Per database since the last reset: calls, statements, busy and queue-wait time, utilisation, and the work still queued at `now`. */
    stats(now) {
      const elapsed = Math.max(now - since, 1);
      const out = {};
      for (const [name, db] of [...databases].sort(([a], [b]) => a.localeCompare(b))) {
        out[name] = {
          calls: db.calls,
          statements: db.statements,
          busyMs: db.busyMs,
          utilisation: db.busyMs / elapsed,
          meanWaitMs: db.calls ? db.waitMs / db.calls : 0,
          maxWaitMs: db.maxWaitMs,
          backlogMs: Math.max(0, db.freeAt - now),
        };
      }
      return { serviceMs: model.serviceMs, elapsedMs: elapsed, databases: out };
    },
    /** Zeroes the counts; the work already queued stays queued. */
    reset(now) {
      since = now;
      for (const db of databases.values()) Object.assign(db, { calls: 0, statements: 0, busyMs: 0, waitMs: 0, maxWaitMs: 0 });
    },
  };
  return model;
}
