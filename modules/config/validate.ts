import { z } from "zod";
import { formatPath, InputError, Problem } from "../errors";
import { CONFIG_RULES, REMOVED_FIELDS } from "./rules";
import { configSchema, ProximateConfig } from "./schema";

/** Result of validating a topology config: the typed config, or every problem found. */
export type ValidationResult =
  | { readonly ok: true; readonly config: ProximateConfig }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Validates raw input (parsed JSON) against the schema and every cross-field rule, collecting
 * all problems rather than stopping at the first.
 */
export function validateConfig(input: unknown): ValidationResult {
  const parsed = configSchema.safeParse(input, { reportInput: true });
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => toProblems(issue, input)).filter((p) => !(p.rule === "unknown-key" && p.path in REMOVED_FIELDS));
  for (const rule of CONFIG_RULES) {
    problems.push(...rule.check(input));
  }
  if (problems.length > 0 || !parsed.success) {
    return { ok: false, problems: dedupe(problems) };
  }
  return { ok: true, config: parsed.data };
}

/** Validates and returns the typed config, or throws an `InputError` listing every problem. */
export function parseConfig(input: unknown, source: string): ProximateConfig {
  const result = validateConfig(input);
  if (!result.ok) {
    throw new InputError(`invalid topology config (${source})`, result.problems);
  }
  return result.config;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.rule}|${problem.path}|${problem.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const part of path) {
    if (typeof current !== "object" || current === null) {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

type AnySchema = z.ZodType & { def: Record<string, unknown> };

/** Finds the object schema at `path`, following arrays, optionals and the state union. */
function schemaAt(schema: AnySchema, path: readonly PropertyKey[], input: unknown): AnySchema | undefined {
  let current: AnySchema | undefined = schema;
  let value: unknown = input;
  const unwrap = (s: AnySchema | undefined): AnySchema | undefined => {
    let node = s;
    while (node !== undefined && (node.def.type === "optional" || node.def.type === "nullable" || node.def.type === "default")) {
      node = node.def.innerType as AnySchema;
    }
    if (node !== undefined && node.def.type === "union" && typeof value === "object" && value !== null) {
      const discriminator = node.def.discriminator as string | undefined;
      const options = node.def.options as AnySchema[];
      if (discriminator !== undefined) {
        const tag = (value as Record<string, unknown>)[discriminator];
        return options.find((option) => {
          const field = (option.def.shape as Record<string, AnySchema>)[discriminator];
          return (field.def.values as unknown[] | undefined)?.includes(tag);
        });
      }
    }
    return node;
  };
  current = unwrap(current);
  for (const part of path) {
    if (current === undefined) {
      return undefined;
    }
    if (current.def.type === "object") {
      current = (current.def.shape as Record<string, AnySchema>)[String(part)];
    } else if (current.def.type === "array") {
      current = current.def.element as AnySchema;
    } else {
      return undefined;
    }
    value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[part] : undefined;
    current = unwrap(current);
  }
  return current;
}

function knownKeys(path: readonly PropertyKey[], input: unknown): string[] {
  const node = schemaAt(configSchema as unknown as AnySchema, path, input);
  if (node === undefined || node.def.type !== "object") {
    return [];
  }
  return Object.keys(node.def.shape as Record<string, unknown>);
}

/** Levenshtein distance, for "did you mean" suggestions on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function suggestion(key: string, candidates: string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : "";
}

function describeType(expected: string): string {
  return expected === "array" ? "a list" : expected === "object" ? "an object" : `a ${expected}`;
}

function toProblems(issue: z.core.$ZodIssue, input: unknown): Problem[] {
  const path = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const keys = knownKeys(issue.path, input);
      return issue.keys.map((key) => ({
        path: path === "" ? key : `${path}.${key}`,
        value: valueAt(input, [...issue.path, key]),
        message: `is not a known key${suggestion(key, keys)}`,
        allowed: keys.length > 0 ? `the keys ${keys.join(", ")}` : "no other keys",
        rule: "unknown-key",
      }));
    }
    case "invalid_type":
      return [
        {
          path,
          value,
          message: value === undefined ? "is required" : "has the wrong type",
          allowed: describeType(issue.expected),
          rule: value === undefined ? "required-field" : "field-type",
        },
      ];
    case "invalid_union": {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (discriminator === "backend") {
        return [
          {
            path,
            value,
            message: "is not a supported state backend",
            allowed: `"s3" (bucket, region, optional keyPrefix), "local" (optional directory) or "cloud" (organization, optional project, workspacePrefix, hostname)`,
            rule: "state-backend",
          },
        ];
      }
      return [{ path, value, message: "does not match any allowed form", allowed: issue.message, rule: "field-type" }];
    }
    case "invalid_value":
      return [
        {
          path,
          value,
          message: "is not an allowed value",
          allowed: `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
          rule: "field-value",
        },
      ];
    case "custom": {
      const params = (issue.params ?? {}) as { rule?: string; allowed?: string };
      return [{ path, value, message: issue.message, allowed: params.allowed ?? "see the README", rule: params.rule ?? "custom" }];
    }
    default:
      return [{ path, value, message: issue.message, allowed: "see the README's config reference", rule: issue.code }];
  }
}
