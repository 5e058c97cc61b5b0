// Reads .dev.vars (dotenv syntax, as wrangler reads it), creating it from the example when missing.
// DEV_VARS_FILE names another file to read instead (npm start hands it to wrangler dev as --env-file).
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

export function devVarsFile(root = process.cwd()) {
  return process.env.DEV_VARS_FILE ? resolve(root, process.env.DEV_VARS_FILE) : `${root}/.dev.vars`;
}

export function loadDevVars(root = process.cwd()) {
  const file = devVarsFile(root);
  if (!existsSync(file)) {
    if (process.env.DEV_VARS_FILE) throw new Error(`DEV_VARS_FILE ${file} does not exist`);
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
