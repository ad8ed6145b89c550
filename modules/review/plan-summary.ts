/**
 * Summaries of `terraform show -json <plan>` documents for plan review: what each stack would
 * add, change, replace or destroy, by resource type, with replacements and destroys of stateful
 * resources (the data and the state of the system) called out first.
 */

/** Resource types whose replacement or destruction loses data or state. */
export const STATEFUL_TYPES: Readonly<Record<string, string>> = {
  aws_s3_bucket: "bucket (the state bucket, access logs, notebook bundle)",
  aws_fsx_lustre_file_system: "FSx for Lustre file system",
  aws_fsx_data_repository_association: "data repository association (re-import of the dataset)",
  aws_opensearch_domain: "OpenSearch catalog domain",
  aws_sagemaker_notebook_instance: "notebook instance and its volume",
  aws_kms_key: "KMS key (data encrypted with it becomes unreadable)",
};

/** The part of `terraform show -json` output this module reads. */
export interface PlanDocument {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly mode?: string;
    readonly change: { readonly actions: readonly string[] };
  }[];
}

export type ChangeKind = "add" | "change" | "replace" | "destroy";

/** One stack's plan in numbers. */
export interface StackPlanSummary {
  readonly stack: string;
  readonly counts: Readonly<Record<ChangeKind, number>>;
  /** Per resource type: counts of each kind (types without changes are left out). */
  readonly byType: Readonly<Record<string, Readonly<Record<ChangeKind, number>>>>;
  /** Stateful resources that would be replaced or destroyed. */
  readonly dangerous: readonly { readonly address: string; readonly type: string; readonly kind: "replace" | "destroy"; readonly what: string }[];
}

function kindOf(actions: readonly string[]): ChangeKind | undefined {
  const has = (action: string) => actions.includes(action);
  if (has("delete") && has("create")) {
    return "replace";
  }
  if (has("delete")) {
    return "destroy";
  }
  if (has("create")) {
    return "add";
  }
  if (has("update")) {
    return "change";
  }
  return undefined;
}

const zero = (): Record<ChangeKind, number> => ({ add: 0, change: 0, replace: 0, destroy: 0 });

/** Summarizes one stack's plan. */
export function summarizePlan(stack: string, plan: PlanDocument): StackPlanSummary {
  const counts = zero();
  const byType: Record<string, Record<ChangeKind, number>> = {};
  const dangerous: { address: string; type: string; kind: "replace" | "destroy"; what: string }[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode === "data") {
      continue;
    }
    const kind = kindOf(change.change.actions);
    if (kind === undefined) {
      continue;
    }
    counts[kind] += 1;
    (byType[change.type] ??= zero())[kind] += 1;
    const what = STATEFUL_TYPES[change.type];
    if (what !== undefined && (kind === "replace" || kind === "destroy")) {
      dangerous.push({ address: change.address, type: change.type, kind, what });
    }
  }
  return { stack, counts, byType, dangerous };
}

/** How the plans were made, for the report's header. */
export interface ReviewContext {
  readonly mode: "online" | "offline";
  readonly topology: string;
  readonly waves: readonly (readonly string[])[];
}

/** The Markdown report: dangerous changes first, then a table per stack in dependency order. */
export function renderReview(context: ReviewContext, summaries: readonly StackPlanSummary[]): string {
  const lines: string[] = ["# Plan review", ""];
  if (context.mode === "offline") {
    lines.push(
      "> **Offline plan.** No AWS credentials were available: every stack was planned against an empty local state with the provider's credential checks skipped, and values read from other stacks' outputs are placeholders derived from those outputs. This shows what the configuration declares, not what would change in a deployed account.",
      "",
    );
  } else {
    lines.push("> Planned against the real state backends with the current AWS credentials.", "");
  }
  lines.push(`Topology: ${context.topology}`, "");
  const dangerous = summaries.flatMap((s) => s.dangerous.map((d) => ({ ...d, stack: s.stack })));
  if (dangerous.length > 0) {
    lines.push("## ⚠ Stateful resources replaced or destroyed", "", "| stack | address | action | what is lost |", "| --- | --- | --- | --- |");
    for (const d of dangerous) {
      lines.push(`| ${d.stack} | \`${d.address}\` | **${d.kind}** | ${d.what} |`);
    }
    lines.push("");
  } else {
    lines.push("No stateful resource (state bucket, file system, catalog domain, notebook volume, keys) is replaced or destroyed.", "");
  }
  lines.push("## Summary", "", "| wave | stack | add | change | replace | destroy |", "| --- | --- | --- | --- | --- | --- |");
  const waveOf = new Map<string, number>();
  context.waves.forEach((wave, index) => wave.forEach((stack) => waveOf.set(stack, index)));
  const total = zero();
  for (const s of summaries) {
    for (const kind of Object.keys(total) as ChangeKind[]) {
      total[kind] += s.counts[kind];
    }
    lines.push(`| ${waveOf.get(s.stack) ?? "?"} | ${s.stack} | ${s.counts.add} | ${s.counts.change} | ${s.counts.replace} | ${s.counts.destroy} |`);
  }
  lines.push(`| | **total** | ${total.add} | ${total.change} | ${total.replace} | ${total.destroy} |`, "");
  lines.push("## By stack and resource type", "");
  for (const s of summaries) {
    lines.push(`<details><summary>${s.stack}: +${s.counts.add} ~${s.counts.change} ±${s.counts.replace} -${s.counts.destroy}</summary>`, "");
    lines.push("| type | add | change | replace | destroy |", "| --- | --- | --- | --- | --- |");
    for (const [type, c] of Object.entries(s.byType).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`| ${type} | ${c.add} | ${c.change} | ${c.replace} | ${c.destroy} |`);
    }
    lines.push("", "</details>", "");
  }
  return lines.join("\n");
}
