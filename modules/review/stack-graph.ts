/**
 * The stack graph of a synthesized app, read from cdktf's manifest.json: deploy waves and a
 * dependency order (every stack after the stacks it reads).
 */

/** The part of cdktf's manifest.json this module reads. */
export interface Manifest {
  readonly stacks: Readonly<Record<string, { readonly dependencies: readonly string[]; readonly synthesizedStackPath: string }>>;
}

/** One dependency edge: `to` reads `from`'s outputs (or is ordered after it). */
export interface StackEdge {
  readonly from: string;
  readonly to: string;
}

/** Every dependency edge of the manifest, sorted. */
export function stackEdges(manifest: Manifest): StackEdge[] {
  return Object.entries(manifest.stacks)
    .flatMap(([to, stack]) => stack.dependencies.map((from) => ({ from, to })))
    .sort((a, b) => a.to.localeCompare(b.to) || a.from.localeCompare(b.from));
}

/**
 * Deploy waves: wave 0 holds the stacks with no dependencies, wave n the stacks whose latest
 * dependency is in wave n-1. `cdktf deploy '*'` can run each wave's stacks in parallel.
 */
export function deployWaves(manifest: Manifest): string[][] {
  const wave = new Map<string, number>();
  const visiting = new Set<string>();
  const waveOf = (name: string): number => {
    const known = wave.get(name);
    if (known !== undefined) {
      return known;
    }
    const stack = manifest.stacks[name];
    if (stack === undefined) {
      throw new Error(`manifest: a stack depends on "${name}", which the manifest does not list`);
    }
    if (visiting.has(name)) {
      throw new Error(`manifest: the stack graph has a cycle through "${name}"`);
    }
    visiting.add(name);
    const value = stack.dependencies.length === 0 ? 0 : 1 + Math.max(...stack.dependencies.map(waveOf));
    visiting.delete(name);
    wave.set(name, value);
    return value;
  };
  const names = Object.keys(manifest.stacks).sort();
  names.forEach(waveOf);
  const waves: string[][] = [];
  for (const name of names) {
    const index = wave.get(name) as number;
    (waves[index] ??= []).push(name);
  }
  return waves;
}

/** All stacks, each after every stack it depends on (wave by wave, names sorted within a wave). */
export function dependencyOrder(manifest: Manifest): string[] {
  return deployWaves(manifest).flat();
}
