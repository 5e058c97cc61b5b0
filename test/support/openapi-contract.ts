// The OpenAPI document as a contract: every response a test receives from a documented operation
// must have a documented status and, when JSON, match that status's schema (Ajv, JSON Schema 2020-12).
// test/support/api.ts runs this check on every call, so the document cannot drift from the code.
import { exports } from "cloudflare:workers";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch"] as const;

export interface Operation {
  method: (typeof HTTP_METHODS)[number];
  /** As the document writes it: /api/v1/users/{userId} */
  path: string;
  pointer: string;
  spec: any;
}

interface Contract {
  document: any;
  operations: Operation[];
  /** The path prefix of the document's server (BASE_PATH), which request paths carry and document paths do not. */
  prefix: string;
  ajv: Ajv2020;
  validators: Map<string, ValidateFunction>;
  matchers: { op: Operation; pattern: RegExp }[];
}

const DOCUMENT_ID = "https://contract.invalid/openapi.json";
const pointerEscape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

let contract: Promise<Contract> | null = null;

async function load(prefix: string): Promise<Contract> {
  const res = await exports.default.fetch(new Request(`http://localhost${prefix}/api/v1/openapi.json`));
  if (res.status !== 200) throw new Error(`the OpenAPI document answered ${res.status}`);
  const document = (await res.json()) as any;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const method of HTTP_METHODS) {
      if (item[method]) operations.push({ method, path, pointer: `#/paths/${pointerEscape(path)}/${method}`, spec: item[method] });
    }
  }
  // OpenAPI keywords (example, discriminator) are not JSON Schema; formats are checked by zod already.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true, logger: false });
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const matchers = operations.map((op) => ({
    op,
    pattern: new RegExp(`^${op.path.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));
  return { document, operations, prefix, ajv, validators: new Map(), matchers };
}

/** The served document, its operations, and compiled validators (once per test file). */
export function openApiContract(prefix = ""): Promise<Contract> {
  contract ??= load(prefix);
  return contract;
}

/** The documented operation a request reaches, given the BASE_PATH it runs under. */
export function operationOf(c: Contract, method: string, requestPath: string, prefix = c.prefix): Operation | null {
  if (prefix && !requestPath.startsWith(`${prefix}/`)) return null;
  const path = requestPath.slice(prefix.length);
  return c.matchers.find((m) => m.op.method === method.toLowerCase() && m.pattern.test(path))?.op ?? null;
}

function validator(c: Contract, op: Operation, status: string): ValidateFunction {
  const key = `${op.pointer}/${status}`;
  let v = c.validators.get(key);
  if (!v) {
    v = c.ajv.compile({ $ref: `${DOCUMENT_ID}${op.pointer}/responses/${status}/content/application~1json/schema` });
    c.validators.set(key, v);
  }
  return v;
}

/** Problems with one response against the document; empty when it conforms. */
export async function contractViolations(c: Contract, op: Operation, res: Response): Promise<string[]> {
  const where = `${op.method.toUpperCase()} ${op.path} -> ${res.status}`;
  const status = String(res.status);
  const documented = op.spec.responses?.[status];
  if (!documented) return [`${where}: status not documented (documented: ${Object.keys(op.spec.responses ?? {}).join(", ")})`];
  const text = await res.clone().text();
  if (!documented.content) return text === "" ? [] : [`${where}: documented without a body, but has one`];
  if (!documented.content["application/json"]) return [];
  if (!(res.headers.get("Content-Type") ?? "").startsWith("application/json")) return [`${where}: not application/json`];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${where}: body is not JSON`];
  }
  const validate = validator(c, op, status);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`);
}

/** Throws when a response of a documented operation does not match the document. */
export async function assertConforms(method: string, url: string, res: Response, prefix = ""): Promise<void> {
  const c = await openApiContract();
  const op = operationOf(c, method, new URL(url).pathname, prefix);
  if (!op) return;
  const problems = await contractViolations(c, op, res);
  if (problems.length) throw new Error(`The response does not match the OpenAPI document:\n${problems.join("\n")}`);
}
