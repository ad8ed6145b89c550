import { Manifest } from "./stack-graph";

/**
 * Slow stacks and the paths between them. A stack is slow when it holds a resource whose create
 * takes many minutes; two slow stacks on one path of the stack graph build in series, which is
 * what made the AWS sample take over 1.5 hours. The topology keeps at most one slow stack on
 * every path, so every slow stack starts as soon as the fast network waves are done.
 */

/** Resource types whose create is slow, and roughly how slow (AWS docs and provider timeouts). */
export const SLOW_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  aws_opensearch_domain: "OpenSearch domain, 15-25 minutes",
  aws_fsx_lustre_file_system: "FSx for Lustre file system, 15-20 minutes (then its associations)",
  aws_sagemaker_notebook_instance: "SageMaker notebook instance, 5-10 minutes",
  aws_ecs_service: "ECS service, waits for its tasks to reach a steady state",
};

/** The synthesized JSON of a stack, by name. */
export type StackReader = (name: string) => { readonly resource?: Readonly<Record<string, unknown>> };

/** Each slow stack with the slow resource types it holds. */
export function slowStacks(manifest: Manifest, read: StackReader): Map<string, string[]> {
  const slow = new Map<string, string[]>();
  for (const name of Object.keys(manifest.stacks).sort()) {
    const types = Object.keys(read(name).resource ?? {}).filter((type) => type in SLOW_RESOURCE_TYPES);
    if (types.length > 0) {
      slow.set(name, types.sort());
    }
  }
  return slow;
}

/**
 * Every path of the stack graph (from a slow stack to a slow stack that depends on it, directly
 * or through other stacks) that holds two slow stacks: the shortest such path for each pair.
 * Empty when the graph keeps every slow stack alone on its paths.
 */
export function slowPaths(manifest: Manifest, slow: ReadonlyMap<string, readonly string[]>): string[][] {
  const dependents = new Map<string, string[]>();
  for (const [name, stack] of Object.entries(manifest.stacks)) {
    for (const dependency of stack.dependencies) {
      dependents.set(dependency, [...(dependents.get(dependency) ?? []), name]);
    }
  }
  const paths: string[][] = [];
  for (const start of [...slow.keys()].sort()) {
    const parent = new Map<string, string>();
    const queue = [start];
    const seen = new Set(queue);
    while (queue.length > 0) {
      const current = queue.shift() as string;
      for (const next of (dependents.get(current) ?? []).slice().sort()) {
        if (seen.has(next)) {
          continue;
        }
        seen.add(next);
        parent.set(next, current);
        if (slow.has(next)) {
          const path = [next];
          while (path[0] !== start) {
            path.unshift(parent.get(path[0]) as string);
          }
          paths.push(path);
        }
        queue.push(next);
      }
    }
  }
  return paths;
}

/** One line per offending path, e.g. `catalog-eu-west-2 (aws_opensearch_domain) -> notebook-eu-west-2 (...)`. */
export function describeSlowPaths(paths: readonly string[][], slow: ReadonlyMap<string, readonly string[]>): string[] {
  return paths.map((path) => path.map((stack) => (slow.has(stack) ? `${stack} (${slow.get(stack)?.join(", ")})` : stack)).join(" -> "));
}
