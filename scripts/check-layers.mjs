#!/usr/bin/env node
// Fails when the source tree breaks its one-way layering: an import that points up a layer (the
// domain importing an edge, for one), or a cycle between top-level folders of src/. Only runtime
// imports count: `import type`, `export type` and imports whose names are all `type` vanish when
// the code is compiled, so they cannot tie modules together at run time.
//
//   node scripts/check-layers.mjs [root]     (root defaults to the repository; reads root/src)
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/**
 * The allowed layering, top to bottom. A file may import from its own folder, from another folder
 * of its own layer, or from any lower layer; never from a higher one. Every top-level entry of
 * src/ must be listed, so a new folder is placed on purpose. "." is a file directly in src/.
 */
export const LAYERS = [
  // The composition root: the Worker's exports.
  ["."],
  // The edges: they authenticate, check the boundary, call an operation and shape its answer.
  ["http", "rpc"],
  // What both edges call: one function per API operation (boundary, permission, budgets, policy, then a workflow).
  ["operations"],
  // Development-only helpers the dev routes call (seed, bench rows).
  ["dev"],
  // The domain: workflows, and what they orchestrate.
  ["workflows"],
  ["audit", "auth", "rate-limits"],
  // The Durable Objects: one per user, one per tenant and address.
  ["user-object", "address-object"],
  ["email"],
  ["directory", "breached-passwords"],
  ["policy", "config", "shards"],
  // Storage and what every layer reads.
  ["db", "branding"],
  ["crypto", "copy", "metrics"],
];

/** The edges. Listed apart so the message for the commonest mistake names it plainly. */
export const EDGES = new Set(["http", "rpc"]);

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".mjs"];

function sourceFiles(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) files.push(...sourceFiles(full));
    else if (SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith(".d.ts")) files.push(full);
  }
  return files;
}

function isTypeOnlyImport(node) {
  const clause = node.importClause;
  if (!clause) return false; // `import "./x"` runs the module.
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings) return false;
  if (ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node) {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** The specifiers a file imports at run time: static imports, re-exports and dynamic import(). */
export function runtimeImports(file) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const specifiers = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnlyImport(node)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnlyExport(node)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) specifiers.push(expr.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) specifiers.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

function resolve(fromFile, specifier) {
  if (!specifier.startsWith(".")) return null; // a package, not ours
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base, ...SOURCE_EXTENSIONS.map((ext) => base + ext), ...SOURCE_EXTENSIONS.map((ext) => path.join(base, "index" + ext))];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** The top-level folder of src/ a file belongs to; "." for a file directly in src/. */
function folderOf(srcDir, file) {
  const rel = path.relative(srcDir, file);
  const parts = rel.split(path.sep);
  return parts.length === 1 ? "." : parts[0];
}

/** Cycles in a directed graph of folders (Tarjan's strongly connected components of size > 1). */
function cyclesOf(graph) {
  let index = 0;
  const indices = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const strongConnect = (v) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), indices.get(w)));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) strongConnect(v);
  return components;
}

/** Every breach of the layering under root/src, as readable lines; empty when the tree is clean. */
export function checkLayers(root, layers = LAYERS) {
  const srcDir = path.join(root, "src");
  const rank = new Map();
  layers.forEach((folders, i) => folders.forEach((f) => rank.set(f, i)));
  const problems = [];
  const graph = new Map(); // folder -> Set(folder), runtime imports across folders
  const examples = new Map(); // "a->b" -> first "file -> target"
  const unplaced = new Set();
  for (const file of sourceFiles(srcDir)) {
    const from = folderOf(srcDir, file);
    if (!rank.has(from)) unplaced.add(from);
    for (const specifier of runtimeImports(file)) {
      const target = resolve(file, specifier);
      if (!target || !target.startsWith(srcDir + path.sep)) continue;
      const to = folderOf(srcDir, target);
      if (to === from) continue;
      if (!rank.has(to)) unplaced.add(to);
      const where = `${path.relative(root, file)} -> ${path.relative(root, target)}`;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
      if (!examples.has(`${from}->${to}`)) examples.set(`${from}->${to}`, where);
      if (!rank.has(from) || !rank.has(to)) continue;
      if (EDGES.has(to) && !EDGES.has(from) && from !== ".") problems.push(`domain imports an edge: ${where}`);
      else if (rank.get(to) < rank.get(from)) problems.push(`import points up a layer (${from} -> ${to}): ${where}`);
    }
  }
  for (const folder of [...unplaced].sort()) problems.push(`src/${folder} is in no layer: add it to LAYERS in scripts/check-layers.mjs`);
  for (const cycle of cyclesOf(graph)) {
    const members = new Set(cycle);
    const edges = [...examples].filter(([k]) => {
      const [a, b] = k.split("->");
      return members.has(a) && members.has(b);
    });
    problems.push(`cycle between folders ${cycle.join(", ")}:\n${edges.map(([, where]) => `    ${where}`).join("\n")}`);
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
  const problems = checkLayers(root);
  if (problems.length) {
    console.error(`check-layers: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join("\n")}`);
    process.exit(1);
  }
  console.log("check-layers: imports point one way, no cycle between folders of src/");
}
