// `npm run lint:openapi`: starts the Worker locally, saves the OpenAPI document it serves to a
// temporary file, and lints that file with Redocly's recommended ruleset (redocly.yaml).
// Any error or warning fails the run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unstable_startWorker } from "wrangler";
import { productionSecrets } from "./production-secrets.mjs";

process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
process.env.WRANGLER_SEND_METRICS = "false";

// The document as a deployment serves it: production, a public https origin and fresh secrets
// (whatever .dev.vars says, and whether or not it exists: a fresh clone has none).
const secrets = Object.entries(await productionSecrets()).map(([name, value]) => [name, { type: "secret_text", value }]);
const worker = await unstable_startWorker({
  config: "wrangler.toml",
  envFiles: [],
  bindings: {
    ...Object.fromEntries(secrets),
    ENVIRONMENT: { type: "plain_text", value: "production" },
    PUBLIC_BASE_URL: { type: "plain_text", value: "https://password-reset.invalid" },
  },
  dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, logLevel: "error", watch: false },
});
let document;
try {
  const res = await worker.fetch("http://127.0.0.1/api/v1/openapi.json");
  if (!res.ok) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  document = await res.json();
} finally {
  await worker.dispose();
}

const dir = mkdtempSync(join(tmpdir(), "openapi-"));
const file = join(dir, "openapi.json");
writeFileSync(file, JSON.stringify(document, null, 2));
const redocly = (...args) =>
  spawnSync("redocly", ["lint", ...args, file], {
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
try {
  // Redocly exits 0 on warnings; the totals decide here.
  const { totals } = JSON.parse(redocly("--format=json").stdout);
  if (totals.errors + totals.warnings === 0) {
    console.log("OpenAPI lint (redocly recommended): 0 errors, 0 warnings.");
  } else {
    process.stdout.write(redocly("--max-problems=100").stdout);
    console.error(`OpenAPI lint: ${totals.errors} errors, ${totals.warnings} warnings.`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
