/**
 * The user-facing outputs of a deployed topology (`npm run outputs`), grouped by Region: every
 * stack output that is not one of cdktf's generated `cross-stack-output-*`, labelled with the
 * description the stack gave it.
 */

/** One output as a stack declares it in its synthesized JSON. */
export interface DeclaredOutput {
  readonly stack: string;
  readonly region: string;
  readonly name: string;
  readonly description: string;
}

/** A synthesized stack, as far as outputs are concerned. */
export interface StackOutputsJson {
  readonly provider?: { readonly aws?: readonly { readonly region?: string }[] };
  readonly output?: Readonly<Record<string, { readonly description?: string; readonly sensitive?: boolean }>>;
}

/** True for the outputs cdktf generates to carry values between stacks. */
export function isCrossStackOutput(name: string): boolean {
  return name.startsWith("cross-stack-output-");
}

/** The user outputs a stack declares. */
export function declaredOutputs(stack: string, json: StackOutputsJson): DeclaredOutput[] {
  const region = json.provider?.aws?.[0]?.region ?? "global";
  return Object.entries(json.output ?? {})
    .filter(([name]) => !isCrossStackOutput(name))
    .map(([name, output]) => ({ stack, region, name, description: output.description ?? name }));
}

/** An output with its value, from `terraform output -json`. */
export interface OutputValue extends DeclaredOutput {
  readonly value: unknown;
}

/** Per Region (client first, then the others sorted), its outputs in stack order. */
export function groupByRegion(values: readonly OutputValue[], clientRegion?: string): [string, OutputValue[]][] {
  const regions = new Map<string, OutputValue[]>();
  for (const value of values) {
    (regions.get(value.region) ?? regions.set(value.region, []).get(value.region) as OutputValue[]).push(value);
  }
  return [...regions.entries()].sort(([a], [b]) => (a === clientRegion ? -1 : b === clientRegion ? 1 : a.localeCompare(b)));
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Plain text, one block per Region. */
export function renderOutputs(values: readonly OutputValue[], clientRegion?: string): string {
  const lines: string[] = [];
  for (const [region, outputs] of groupByRegion(values, clientRegion)) {
    lines.push(`${region}${region === clientRegion ? " (client Region)" : ""}`);
    for (const output of outputs) {
      lines.push(`  ${output.description}`);
      lines.push(`    ${show(output.value)}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
