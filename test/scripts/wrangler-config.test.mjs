// wrangler.toml as wrangler itself reads it and bundles it for a deploy: what the platform keeps
// about each request (emailed links carry live codes in their query string), and what the
// Worker's script holds.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { unstable_readConfig } from "wrangler";
import { DOCS_ASSET } from "../../scripts/docs-assets.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml") });

describe("wrangler.toml observability", () => {
  it("keeps the Worker's own log lines but no invocation logs, which record each request's URL", () => {
    assert.equal(config.observability?.enabled, true);
    assert.equal(config.observability?.logs?.invocation_logs, false);
  });

  it("strips query strings from any URL the platform's logs and traces do record", () => {
    assert.equal(config.observability?.redact_query_string, true);
  });
});

describe("the Worker's script", () => {
  it("leaves Scalar's 4 MB bundle to the static assets (wrangler deploy --dry-run)", () => {
    const out = mkdtempSync(join(tmpdir(), "epr-bundle-"));
    try {
      const run = spawnSync("wrangler", ["deploy", "--dry-run", "--outdir", out], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      });
      assert.equal(run.status, 0, run.stderr);
      const files = readdirSync(out);
      assert.deepEqual(files.filter((f) => /standalone|scalar/i.test(f)), []);
      const script = files.filter((f) => f.endsWith(".js") || f.endsWith(".sql")).reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
      assert.ok(script < 2_500_000, `the script is ${script} bytes`);
      assert.equal(statSync(DOCS_ASSET).size, statSync(join(ROOT, "node_modules/@scalar/api-reference/dist/browser/standalone.js")).size);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("wrangler.toml email and audit queues (docs/shards.md, Queues)", () => {
  const names = JSON.parse(config.vars.EMAIL_QUEUES);
  const producers = new Map(config.queues.producers.map((p) => [p.binding, p.queue]));
  const consumers = new Map(config.queues.consumers.map((c) => [c.queue, c]));

  it("lists two email queues locally, each a producer binding, so npm start and the tests spread", () => {
    assert.deepEqual(names, ["EMAIL_QUEUE", "EMAIL_QUEUE_1"]);
    for (const name of names) assert.ok(producers.has(name), `${name} has no producer binding`);
  });

  it("gives each email queue a consumer with max_concurrency and its own dead-letter queue (its name + -dlq), itself consumed", () => {
    for (const name of names) {
      const queue = producers.get(name);
      const consumer = consumers.get(queue);
      assert.ok(consumer, `${queue} has no consumer`);
      assert.equal(consumer.max_batch_size, 10);
      assert.equal(consumer.max_concurrency, 125);
      assert.equal(consumer.dead_letter_queue, `${queue}-dlq`);
      assert.equal(consumers.get(`${queue}-dlq`)?.max_concurrency, 10, `${queue}-dlq has no consumer`);
    }
  });

  it("spreads the audit events the same way: two audit queues, each with a consumer (max_concurrency) and its own consumed -dlq", () => {
    const audit = JSON.parse(config.vars.AUDIT_QUEUES);
    assert.deepEqual(audit, ["AUDIT_QUEUE", "AUDIT_QUEUE_1"]);
    for (const name of audit) {
      const queue = producers.get(name);
      assert.equal(consumers.get(queue)?.dead_letter_queue, `${queue}-dlq`);
      assert.equal(consumers.get(queue)?.max_concurrency, 25);
      assert.equal(consumers.get(`${queue}-dlq`)?.max_concurrency, 5);
    }
  });

  it("has the README's production walk-through create every queue and dead-letter queue it names", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const queues = [...config.queues.producers.map((p) => p.queue), ...config.queues.consumers.map((c) => c.queue)];
    for (const queue of new Set(queues)) assert.ok(readme.includes(`npx wrangler queues create ${queue}\n`), `README does not create ${queue}`);
  });
});
