/**
 * Reads botocore's service models and renders `modules/aws/api-models.generated.ts`: the name
 * constraints of every `NAME_TARGETS` member and the request shapes (closure) of every
 * `SDK_INTEGRATION_OPERATIONS` operation. Used by `npm run generate:aws-models` and by the test
 * proving the checked-in table matches the vendored models.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { memberKey, NAME_TARGETS } from "../../modules/aws/names";
import { SDK_INTEGRATION_OPERATIONS } from "../../modules/aws/sdk-integrations";
import { ENUM_MEMBERS } from "../../modules/aws/values";

interface RawShape {
  readonly type: string;
  readonly members?: Record<string, { readonly shape: string }>;
  readonly member?: { readonly shape: string };
  readonly required?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

interface RawModel {
  readonly metadata: { readonly apiVersion: string };
  readonly operations: Record<string, { readonly input?: { readonly shape: string } }>;
  readonly shapes: Record<string, RawShape>;
}

/**
 * The vendored test tools (botocore's models): `$PROXIMATE_VENDOR_DIR`, then
 * `<project>/../shared/vendor`, then `/work/shared/vendor`. Undefined when none exists.
 */
export function vendorDir(projectDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.PROXIMATE_VENDOR_DIR, resolve(projectDir, "../shared/vendor"), "/work/shared/vendor"];
  return candidates.find((dir): dir is string => dir !== undefined && dir !== "" && existsSync(join(dir, "python/botocore/data")));
}

/** The newest model of a botocore service. */
export function loadModel(vendor: string, service: string): RawModel {
  const base = join(vendor, "python/botocore/data", service);
  const version = readdirSync(base).sort().at(-1);
  if (version === undefined) {
    throw new Error(`no model of ${service} under ${base}`);
  }
  return JSON.parse(readFileSync(join(base, version, "service-2.json"), "utf8")) as RawModel;
}

function compact(shape: RawShape): Record<string, unknown> {
  const out: Record<string, unknown> = { type: shape.type };
  if (shape.required !== undefined && shape.required.length > 0) out.required = shape.required;
  if (shape.members !== undefined) out.members = Object.fromEntries(Object.entries(shape.members).map(([name, member]) => [name, member.shape]));
  if (shape.member !== undefined) out.member = shape.member.shape;
  if (shape.min !== undefined) out.min = shape.min;
  if (shape.max !== undefined) out.max = shape.max;
  if (shape.pattern !== undefined) out.pattern = shape.pattern;
  if (shape.enum !== undefined) out.enum = shape.enum;
  return out;
}

/** The shape of a (dotted, nested) request member. */
function memberShape(m: RawModel, operation: string, member: string): RawShape | undefined {
  let shapeName = m.operations[operation]?.input?.shape;
  for (const part of member.split(".")) {
    const shape = shapeName === undefined ? undefined : m.shapes[shapeName];
    shapeName = shape?.members?.[part]?.shape;
  }
  return shapeName === undefined ? undefined : m.shapes[shapeName];
}

/** The generated tables as data. */
export function buildTables(vendor: string): { names: Record<string, unknown>; operations: Record<string, unknown>; enums: Record<string, unknown> } {
  const models = new Map<string, RawModel>();
  const model = (service: string) => {
    let m = models.get(service);
    if (m === undefined) {
      m = loadModel(vendor, service);
      models.set(service, m);
    }
    return m;
  };
  const names: Record<string, unknown> = {};
  for (const target of [...NAME_TARGETS].filter((t) => !t.documentedOnly).sort((a, b) => memberKey(a).localeCompare(memberKey(b)))) {
    const m = model(target.service);
    const input = m.operations[target.operation]?.input?.shape;
    const shapeName = input === undefined ? undefined : m.shapes[input]?.members?.[target.member]?.shape;
    if (shapeName === undefined) {
      throw new Error(`${memberKey(target)} is not in the ${target.service} model`);
    }
    const shape = m.shapes[shapeName];
    const entry: Record<string, unknown> = { shape: shapeName, apiVersion: m.metadata.apiVersion };
    if (shape.min !== undefined) entry.min = shape.min;
    if (shape.max !== undefined) entry.max = shape.max;
    if (shape.pattern !== undefined) entry.pattern = shape.pattern;
    names[memberKey(target)] = entry;
  }
  const operations: Record<string, unknown> = {};
  for (const key of [...SDK_INTEGRATION_OPERATIONS].sort()) {
    const [service, operation] = key.split(":");
    const m = model(service);
    const input = m.operations[operation]?.input?.shape;
    if (input === undefined) {
      throw new Error(`${key} has no input shape in the ${service} model`);
    }
    const shapes: Record<string, unknown> = {};
    const visit = (name: string) => {
      if (name in shapes) return;
      const shape = m.shapes[name];
      shapes[name] = compact(shape);
      Object.values(shape.members ?? {}).forEach((member) => visit(member.shape));
      if (shape.member !== undefined) visit(shape.member.shape);
    };
    visit(input);
    operations[key] = { apiVersion: m.metadata.apiVersion, input, shapes: Object.fromEntries(Object.entries(shapes).sort(([a], [b]) => a.localeCompare(b))) };
  }
  const enums: Record<string, unknown> = {};
  for (const key of [...ENUM_MEMBERS].sort()) {
    const [service, rest] = key.split(":");
    const [operation, ...member] = rest.split(".");
    const shape = memberShape(model(service), operation, member.join("."));
    if (shape?.enum === undefined) {
      throw new Error(`${key} has no enum in the ${service} model`);
    }
    enums[key] = shape.enum;
  }
  return { names, operations, enums };
}

/** The TypeScript source of `modules/aws/api-models.generated.ts`. */
export function renderTables(tables: { names: Record<string, unknown>; operations: Record<string, unknown>; enums: Record<string, unknown> }): string {
  return `/**
 * GENERATED by \`npm run generate:aws-models\` (scripts/aws/generate-models.ts) from botocore's
 * service models (data/<service>/<version>/service-2.json); do not edit. The test
 * __tests__/modules/aws/api-models.test.ts fails when this file and the models differ.
 */

/** Length and pattern of a request member's shape (absent when the model states none). */
export interface ApiNameConstraint {
  readonly shape: string;
  readonly apiVersion: string;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
}

/** A shape of a request, as much as validation needs. */
export interface ApiShape {
  readonly type: string;
  readonly required?: readonly string[];
  /** Member name -> shape name. */
  readonly members?: Readonly<Record<string, string>>;
  /** List member shape name. */
  readonly member?: string;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

/** A request model: its input shape and every shape it reaches. */
export interface ApiOperation {
  readonly apiVersion: string;
  readonly input: string;
  readonly shapes: Readonly<Record<string, ApiShape>>;
}

/** Keyed \`<service>:<Operation>.<Member>\`. */
export const API_NAME_CONSTRAINTS: Readonly<Record<string, ApiNameConstraint>> = ${JSON.stringify(tables.names, null, 2)};

/** Keyed \`<service>:<Operation>\`. */
export const API_OPERATIONS: Readonly<Record<string, ApiOperation>> = ${JSON.stringify(tables.operations, null, 2)};

/** Values a request member accepts, keyed \`<service>:<Operation>.<Member path>\`. */
export const API_ENUMS: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(tables.enums, null, 2)};
`;
}
