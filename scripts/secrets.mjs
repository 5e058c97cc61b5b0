// `npm run secrets`: prints fresh production secrets as JSON, the input `wrangler secret bulk` takes:
//   npm run --silent secrets > secrets.json && npx wrangler secret bulk secrets.json
// Development values (.dev.vars.example) are public; these are not: keep them out of git.
import { productionSecrets } from "./production-secrets.mjs";

const secrets = await productionSecrets();
process.stdout.write(`${JSON.stringify(secrets, null, 2)}\n`);
if (process.stdout.isTTY) {
  console.error("\nSet them all with: npm run --silent secrets > secrets.json && npx wrangler secret bulk secrets.json");
}
console.error("Keep ADMIN_TOKEN where you keep secrets: the provisioning API needs it. Then delete the file.");
