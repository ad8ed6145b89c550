/**
 * Many synthesized stacks as one Terraform configuration, so that one `terraform validate`
 * (2-3 s and ~600 MB, dominated by loading the AWS provider schema) checks all of them against
 * the real provider schema instead of one run per stack.
 *
 * Each stack keeps its arguments exactly; only names change so that stacks do not collide:
 * every resource, data source and output of stack i is renamed `s<i>_<name>` (and every
 * reference to it, in `${...}` expressions and `depends_on`, rewritten to match), and each of
 * its AWS provider configurations becomes an aliased provider (`aws.s<i>` for the default one)
 * that its AWS resources and data sources select with `provider`. Backends are dropped
 * (`terraform validate` does not read them). What `validate` checks per resource (argument
 * names, types, required arguments, provider-side value validation, references to declared
 * objects) is therefore the same as in the stack's own directory. `plantError` makes a
 * deliberately invalid bundle so that a run can prove the bundle still reports errors.
 */

type Block = Record<string, unknown>;
type Blocks = Record<string, Record<string, Block>>;

/** A synthesized stack: its name and its cdk.tf.json. */
export interface BundledStack {
  readonly name: string;
  readonly json: Readonly<Record<string, unknown>>;
}

/** A bundle and where each of its objects came from. */
export interface Bundle {
  readonly json: Record<string, unknown>;
  /** Bundle prefix (`s3_`) -> stack name. */
  readonly stackOfPrefix: ReadonlyMap<string, string>;
}

const IDENT = /(?<![\w.-])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/**
 * Rewrites references to the stack's own objects in a string holding an expression. The whole
 * string is scanned (expressions nest braces: `${jsonencode({"a" = aws_x.y.arn})}`); only
 * `type.name` pairs naming an object of the stack are rewritten, which literal text never does.
 */
function rewriteString(text: string, known: ReadonlySet<string>, prefix: string): string {
  if (!text.includes("${")) {
    return text;
  }
  return text.replace(IDENT, (match, data: string | undefined, type: string, name: string) =>
    known.has(`${data ?? ""}${type}.${name}`) ? `${data ?? ""}${type}.${prefix}${name}` : match,
  );
}

function rewrite(value: unknown, known: ReadonlySet<string>, prefix: string): unknown {
  if (typeof value === "string") {
    return rewriteString(value, known, prefix);
  }
  if (Array.isArray(value)) {
    return value.map((item) => rewrite(item, known, prefix));
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewrite(item, known, prefix)]));
  }
  return value;
}

function providerList(value: unknown): Block[] {
  if (Array.isArray(value)) return value as Block[];
  return value !== null && typeof value === "object" ? [value as Block] : [];
}

/** One configuration holding every stack (see the module comment). */
export function bundleStacks(stacks: readonly BundledStack[]): Bundle {
  const resource: Blocks = {};
  const data: Blocks = {};
  const output: Record<string, unknown> = {};
  const providers: Record<string, Block[]> = {};
  const requiredProviders: Record<string, unknown> = {};
  const stackOfPrefix = new Map<string, string>();
  stacks.forEach((stack, index) => {
    const prefix = `s${index}_`;
    stackOfPrefix.set(prefix, stack.name);
    const json = stack.json as { resource?: Blocks; data?: Blocks; output?: Record<string, unknown>; provider?: Record<string, unknown>; terraform?: { required_providers?: Record<string, unknown> } };
    Object.assign(requiredProviders, json.terraform?.required_providers ?? {});
    const known = new Set<string>();
    for (const [type, byName] of Object.entries(json.resource ?? {})) Object.keys(byName).forEach((name) => known.add(`${type}.${name}`));
    for (const [type, byName] of Object.entries(json.data ?? {})) Object.keys(byName).forEach((name) => known.add(`data.${type}.${name}`));
    // Providers: every configuration of the stack becomes an alias of its own.
    const aliasOf = new Map<string, string>();
    for (const [name, configs] of Object.entries(json.provider ?? {})) {
      for (const config of providerList(configs)) {
        const own = typeof config.alias === "string" ? config.alias : "";
        const alias = `${prefix}${own || "default"}`;
        aliasOf.set(`${name}.${own}`, alias);
        (providers[name] ??= []).push({ ...(rewrite(config, known, prefix) as Block), alias });
      }
    }
    const providerFor = (type: string, body: Block): string | undefined => {
      const providerName = type.split("_")[0];
      const explicit = typeof body.provider === "string" ? body.provider : undefined;
      const own = explicit?.includes(".") ? explicit.split(".")[1] : "";
      const alias = aliasOf.get(`${explicit?.split(".")[0] ?? providerName}.${own}`);
      return alias === undefined ? explicit : `${explicit?.split(".")[0] ?? providerName}.${alias}`;
    };
    const copy = (from: Blocks | undefined, into: Blocks, isData: boolean) => {
      for (const [type, byName] of Object.entries(from ?? {})) {
        for (const [name, body] of Object.entries(byName)) {
          const out = rewrite(body, known, prefix) as Block;
          delete out["//"];
          if (Array.isArray(body.depends_on)) {
            out.depends_on = body.depends_on.map((entry) => (typeof entry === "string" && known.has(entry.replace(/^\$\{|\}$/g, "")) ? entry.replace(/^(\$\{)?(data\.)?([a-z0-9_]+)\./, `$1$2$3.${prefix}`) : entry));
          }
          const provider = isData && type === "terraform_remote_state" ? undefined : providerFor(type, body);
          if (provider !== undefined) out.provider = provider;
          (into[type] ??= {})[`${prefix}${name}`] = out;
        }
      }
    };
    copy(json.resource, resource, false);
    copy(json.data, data, true);
    for (const [name, body] of Object.entries(json.output ?? {})) {
      output[`${prefix}${name}`] = rewrite(body, known, prefix);
    }
  });
  const bundle: Record<string, unknown> = { terraform: { required_providers: requiredProviders }, provider: providers };
  if (Object.keys(resource).length > 0) bundle.resource = resource;
  if (Object.keys(data).length > 0) bundle.data = data;
  if (Object.keys(output).length > 0) bundle.output = output;
  return { json: bundle, stackOfPrefix };
}

/**
 * A stack's configuration as `terraform validate` judges it, with every Region name replaced by
 * its character shape (`eu-west-2` -> `aa-aaaa-0`: letters, digits and hyphens kept in place) and
 * construct metadata and the backend left out. The AWS provider's validators check lengths and
 * character classes (patterns such as `^[a-z0-9-]+$`), never which letters a Region has, so two
 * stacks with the same normalised configuration get the same verdict: one of them is validated.
 * (The provider's `region` argument is not validated by `terraform validate`.)
 */
export function normalizedForValidation(json: Readonly<Record<string, unknown>>, regions: readonly string[]): string {
  const ordered = [...regions].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ordered.map((r) => r.replace(/-/g, "\\-")).join("|"), "g");
  const shape = (region: string) => region.replace(/[a-z]/g, "a").replace(/[0-9]/g, "0");
  const strip = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(pattern, shape);
    if (Array.isArray(value)) return value.map(strip);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => key !== "//" && key !== "backend")
          .map(([key, item]) => [key.replace(pattern, shape), strip(item)]),
      );
    }
    return value;
  };
  return JSON.stringify(strip(json));
}

/** The stack a diagnostic's address or text refers to (`aws_x.s3_name` -> stack of `s3_`). */
export function stackOfDiagnostic(bundle: Bundle, text: string): string | undefined {
  const match = /\b(s\d+_)[A-Za-z0-9_-]+/.exec(text);
  return match === null ? undefined : bundle.stackOfPrefix.get(match[1]);
}

/** A copy of the bundle with an argument the AWS provider does not know on its first AWS resource. */
export function plantError(bundle: Bundle): { readonly json: Record<string, unknown>; readonly address: string } {
  const json = JSON.parse(JSON.stringify(bundle.json)) as { resource: Blocks };
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    const name = Object.keys(byName)[0];
    if (type.startsWith("aws_") && name !== undefined) {
      byName[name].proximate_planted_error = true;
      return { json, address: `${type}.${name}` };
    }
  }
  throw new Error("plantError: the bundle has no AWS resource");
}
