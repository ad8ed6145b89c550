/**
 * Small readers for synthesized arguments. Terraform JSON writes a nested block as an object
 * or a list of objects, and booleans sometimes as the strings "true"/"false" (launch template
 * block devices are typed as strings in the provider schema).
 */
import { refersTo } from "./refs";
import { ResourceView, StackView } from "./types";

/** True for `true` and `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** The blocks of a nested block argument: `{...}` or `[{...}, ...]` (none when unset). */
export function blocks(value: unknown): readonly Readonly<Record<string, unknown>>[] {
  if (Array.isArray(value)) {
    return value.filter((item): item is Record<string, unknown> => item !== null && typeof item === "object" && !Array.isArray(item));
  }
  if (value !== null && typeof value === "object") {
    return [value as Record<string, unknown>];
  }
  return [];
}

/** The first block of a single nested block argument, if set. */
export function block(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return blocks(value)[0];
}

/** A list argument as an array of values (a single value becomes a list of one). */
export function list(value: unknown): readonly unknown[] {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** Renders a value for a message: strings quoted, unset as "unset". */
export function show(value: unknown): string {
  return value === undefined ? "unset" : JSON.stringify(value);
}

/** The resources of `type` in the stack whose `attribute` references `target`. */
export function resourcesReferencing(
  stack: StackView,
  type: string,
  attribute: string,
  target: ResourceView,
  attributes?: readonly string[],
): readonly ResourceView[] {
  return stack.resources(type).filter((candidate) => refersTo(candidate.config[attribute], target, attributes));
}

/** The resource of one of `types` that `value` references, if it is in the stack. */
export function referencedResource(stack: StackView, value: unknown, types: readonly string[]): ResourceView | undefined {
  for (const type of types) {
    const found = stack.resources(type).find((candidate) => refersTo(value, candidate));
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}
