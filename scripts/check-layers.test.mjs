// The layering check on tiny trees: it must fail on a domain file importing an edge and on a
// cycle between folders, count only runtime imports, and pass a clean tree.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkLayers } from "./check-layers.mjs";

const CHECKER = path.join(path.dirname(fileURLToPath(import.meta.url)), "check-layers.mjs");
const roots = [];

/** A repository root with these files under src/. */
function tree(files) {
  const root = mkdtempSync(path.join(tmpdir(), "check-layers-"));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, "src", name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}

/** The command's exit status and output, as `npm test` sees them. */
function run(root) {
  try {
    return { status: 0, output: execFileSync(process.execPath, [CHECKER, root], { encoding: "utf8", stdio: "pipe" }) };
  } catch (e) {
    return { status: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

const CLEAN = {
  "index.ts": 'import { app } from "./http/app";\nexport default app;\n',
  "http/app.ts": 'import { login } from "../workflows/login";\nexport const app = { login };\n',
  "rpc/service.ts": 'import { login } from "../workflows/login";\nexport const service = { login };\n',
  "workflows/login.ts": 'import { findUser } from "../directory/users";\nexport const login = () => findUser();\n',
  "directory/users.ts": 'import { db } from "../db/client";\nexport const findUser = () => db;\n',
  "db/client.ts": "export const db = {};\n",
};

after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe("check-layers", () => {
  it("passes a tree whose imports point one way", () => {
    assert.deepEqual(checkLayers(tree(CLEAN)), []);
    const { status, output } = run(tree(CLEAN));
    assert.equal(status, 0, output);
  });

  it("fails when a domain file imports from http/", () => {
    const root = tree({ ...CLEAN, "workflows/login.ts": 'import { app } from "../http/app";\nexport const login = () => app;\n' });
    const { status, output } = run(root);
    assert.equal(status, 1);
    assert.match(output, /domain imports an edge: src\/workflows\/login\.ts -> src\/http\/app\.ts/);
  });

  it("fails when a domain file imports from rpc/, through a re-export too", () => {
    const root = tree({ ...CLEAN, "directory/users.ts": 'export { service } from "../rpc/service";\nexport const findUser = () => null;\n' });
    assert.match(checkLayers(root).join("\n"), /domain imports an edge: src\/directory\/users\.ts -> src\/rpc\/service\.ts/);
  });

  it("fails on a cycle between top-level folders, naming the imports that close it", () => {
    const root = tree({ ...CLEAN, "db/client.ts": 'import { findUser } from "../directory/users";\nexport const db = { findUser };\n' });
    const { status, output } = run(root);
    assert.equal(status, 1);
    assert.match(output, /cycle between folders db, directory/);
    assert.match(output, /src\/db\/client\.ts -> src\/directory\/users\.ts/);
    assert.match(output, /src\/directory\/users\.ts -> src\/db\/client\.ts/);
  });

  it("ignores type-only imports and re-exports, which vanish at run time", () => {
    const root = tree({
      ...CLEAN,
      "db/client.ts": [
        'import type { findUser } from "../directory/users";',
        'import { type findUser as again } from "../directory/users";',
        'export type { findUser as F } from "../directory/users";',
        "export const db: { f?: typeof findUser; g?: typeof again } = {};",
        "",
      ].join("\n"),
    });
    assert.deepEqual(checkLayers(root), []);
  });

  it("counts an import with one runtime name among type names", () => {
    const root = tree({ ...CLEAN, "db/client.ts": 'import { type findUser, findUser as f } from "../directory/users";\nexport const db = { f };\n' });
    assert.match(checkLayers(root).join("\n"), /cycle between folders db, directory/);
  });

  it("fails on a folder placed in no layer", () => {
    const root = tree({ ...CLEAN, "stray/x.ts": "export const x = 1;\n" });
    assert.match(checkLayers(root).join("\n"), /src\/stray is in no layer/);
  });
});
