// The package paths that src/ and test/ import, which Vite bundles once for the test runtime
// (vitest.config.ts), plus hono/jsx's runtimes that the pages' JSX compiles to. A path left out
// would load a second copy of its package beside the bundle: test/scripts/prebundled-deps.test.mjs
// fails when an import is missing here.
export const PREBUNDLED_DEPS: string[] = [
  "@hono/zod-openapi",
  "ajv/dist/2020",
  "drizzle-orm",
  "drizzle-orm/batch",
  "drizzle-orm/d1",
  "drizzle-orm/durable-sqlite",
  "drizzle-orm/durable-sqlite/migrator",
  "drizzle-orm/sqlite-core",
  "fast-check",
  "hono",
  "hono/body-limit",
  "hono/cookie",
  "hono/csrf",
  "hono/factory",
  "hono/html",
  "hono/http-exception",
  "hono/jsx",
  "hono/jsx/jsx-dev-runtime",
  "hono/jsx/jsx-runtime",
  "hono/language",
  "hono/request-id",
  "hono/secure-headers",
  "hono/utils/http-status",
  "hono/utils/url",
  "jose",
  "oauth4webapi",
  "zod",
];
