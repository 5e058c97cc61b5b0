// wrangler.toml as wrangler itself reads it for a deploy (its defaults filled in): what the
// platform keeps about each request. Emailed links carry live codes in their query string.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unstable_readConfig } from "wrangler";

const config = unstable_readConfig({ config: new URL("../../wrangler.toml", import.meta.url).pathname });

describe("wrangler.toml observability", () => {
  it("keeps the Worker's own log lines but no invocation logs, which record each request's URL", () => {
    assert.equal(config.observability?.enabled, true);
    assert.equal(config.observability?.logs?.invocation_logs, false);
  });

  it("strips query strings from any URL the platform's logs and traces do record", () => {
    assert.equal(config.observability?.redact_query_string, true);
  });
});
