/** What the model builders share: cross-stack references and Regions of stacks. */
import { addressKey, References } from "./references";
import { Block, stackRegion, SynthOutput } from "./synth-output";

export interface ModelContext {
  readonly refs: References;
  /** The Region of a stack's default AWS provider. */
  regionOf(stack: string): string;
  /** The key of the existing resource of one of `types` that `value` (in `stack`) references. */
  keyOf(stack: string, value: unknown, types: readonly string[]): string | undefined;
}

export function createContext(output: SynthOutput): ModelContext {
  const refs = new References(output);
  return {
    refs,
    regionOf: (stack) => stackRegion(output.stacks.get(stack) ?? {}) ?? "unknown",
    keyOf: (stack, value, types) => {
      const resolution = refs.resolveTo(stack, value, types);
      return resolution.ok ? addressKey(resolution.ref) : undefined;
    },
  };
}

/** A list argument as an array (a single value becomes a list of one). */
export function list(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** The blocks of a nested block argument (`{...}` or `[{...}]`). */
export function blocks(value: unknown): Block[] {
  return list(value).filter((item): item is Block => item !== null && typeof item === "object" && !Array.isArray(item));
}
