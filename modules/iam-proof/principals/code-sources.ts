/**
 * Which code runs as which principal. Adding a principal that runs our code (a Dask scheduler
 * plugin, a Fargate catalog runner) is one entry here; adding a call to code already listed
 * needs nothing, as long as the call is visible in the source (see ../code-scan.ts).
 */

/** A deployed thing that runs code, as the derivations see it. */
export type CodeTarget =
  | { readonly kind: "lambda"; readonly functionName: string }
  | { readonly kind: "ecs-task"; readonly family: string; readonly commands: readonly string[] }
  | { readonly kind: "notebook"; readonly name: string };

/** Code that runs as the principals it matches. */
export interface CodeSource {
  readonly id: string;
  readonly matches: (target: CodeTarget) => boolean;
  /** TypeScript entry files (relative imports are followed), relative to the project or absolute. */
  readonly typescript?: readonly string[];
  /** Python files or directories (every `*.py` below), relative to the project or absolute. */
  readonly python?: readonly string[];
}

/**
 * The code each principal runs. Matching is on what the synthesized resource shows: a Lambda's
 * function name, an ECS task's family and container command, a notebook instance.
 */
export const CODE_SOURCES: readonly CodeSource[] = [
  {
    id: "catalog indexer (Lambda bundle of scripts/catalog/lambda.ts)",
    matches: (target) => target.kind === "lambda" && target.functionName.endsWith("-catalog-indexer"),
    typescript: ["scripts/catalog/lambda.ts"],
  },
  {
    id: "catalog indexer task (the same bundle run as a program: runTask in scripts/catalog/lambda.ts)",
    matches: (target) => target.kind === "ecs-task" && target.family.endsWith("-catalog-indexer"),
    typescript: ["scripts/catalog/lambda.ts"],
  },
  {
    id: "the proximate helper in the notebook (scripts/python/proximate)",
    matches: (target) => target.kind === "notebook",
    python: ["scripts/python/proximate"],
  },
];

