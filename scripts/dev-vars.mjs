// Reads .dev.vars (dotenv syntax, as wrangler reads it), creating it from the example when missing.
import { copyFileSync, existsSync, readFileSync } from "node:fs";

export function loadDevVars(root = process.cwd()) {
  const file = `${root}/.dev.vars`;
  if (!existsSync(file)) {
    copyFileSync(`${root}/.dev.vars.example`, file);
    console.log("Created .dev.vars from .dev.vars.example (development values; never deploy them).");
  }
  const vars = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    vars[m[1]] = value;
  }
  return vars;
}
