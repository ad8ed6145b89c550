import { CostLine, Estimate } from "./estimate";
import { PRICES, PriceTable } from "./prices";

/** Plain text and Markdown renderings of an {@link Estimate}. */

/** What every rendering says first: this is an estimate, and of what. */
export function disclaimer(estimate: Estimate): string {
  return (
    `ESTIMATE, not a quote: on-demand list prices in USD from modules/cost/prices.json (compiled ${estimate.compiled}), ` +
    `${estimate.hoursPerMonth} hours a month, no tax, no free tier, no discounts or savings plans, no usage ` +
    "(requests, GB moved, logs). Check it with the AWS Pricing Calculator before you commit."
  );
}

interface Group {
  readonly region: string;
  readonly component: string;
  readonly count: number;
  readonly basis: string;
  readonly monthlyUsd: number;
  readonly unverified: boolean;
  readonly thirdParty: boolean;
}

/** Lines of a Region merged by component (e.g. 23 interface endpoints of one service each). */
function groups(lines: readonly CostLine[], region: string): Group[] {
  const byKey = new Map<string, Group>();
  for (const line of lines.filter((l) => l.region === region)) {
    const key = `${line.component}\u0000${line.basis}`;
    const found = byKey.get(key);
    byKey.set(key, {
      region,
      component: line.component,
      basis: line.basis,
      count: (found?.count ?? 0) + 1,
      monthlyUsd: (found?.monthlyUsd ?? 0) + line.monthlyUsd,
      unverified: line.unverified,
      thirdParty: line.thirdParty,
    });
  }
  return [...byKey.values()].sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.component.localeCompare(b.component));
}

/** `?` for an unverified price, `~` for a third party's quote. */
function markOf(rate: { readonly unverified: boolean; readonly thirdParty: boolean }): string {
  return rate.unverified ? "?" : rate.thirdParty ? "~" : "";
}

/** What the marks mean, with how many idle lines carry each. */
function markNotes(estimate: Estimate): string[] {
  const of = (flag: (l: CostLine) => boolean) => `${estimate.lines.filter(flag).length} of ${estimate.lines.length} idle lines`;
  return [
    `? marks a unit price not read from any source when the table was compiled (${of((l) => l.unverified)}); confirm those first.`,
    `~ marks a unit price quoted by a third party, not read from AWS's own price data (${of((l) => l.thirdParty && !l.unverified)}). Every other price is AWS's own data.`,
  ];
}

function usd(value: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function rate(value: number): string {
  return `$${Number(value.toPrecision(4))}`;
}

function basisOf(group: Group): string {
  return group.count > 1 ? `${group.count} x (${group.basis})` : group.basis;
}

function regionTotal(estimate: Estimate, region: string): number {
  return estimate.lines.filter((l) => l.region === region).reduce((sum, l) => sum + l.monthlyUsd, 0);
}

/** The sources of the prices used, and the AWS pages that state the billing rules applied. */
function sourceLines(estimate: Estimate, table: PriceTable): string[] {
  const ids = [...new Set([...estimate.sources, ...Object.keys(table.sources).filter((id) => table.sources[id].kind === "aws")])].sort();
  return ids.map((id) => {
    const source = table.sources[id];
    const copy = source.repository ? `${source.repository}/${source.path}@${source.commit?.slice(0, 12)}` : undefined;
    const where = [source.url, copy].filter(Boolean).join(", copy read: ");
    const whose = { aws: "AWS page", "price-list": "AWS's own data", secondary: "third party", unverified: "not read from a source" }[source.kind];
    const dated = source.published ? `data of ${source.published}, ` : "";
    return `${id} [${whose}]: ${source.title}${where ? ` <${where}>` : ""} (${dated}read ${source.read})`;
  });
}

/** Plain text for the terminal. */
export function renderText(estimate: Estimate, topology: string, table: PriceTable = PRICES): string {
  const out: string[] = [`Proximate monthly cost estimate for ${topology}`, disclaimer(estimate), ""];
  const row = (left: string, amount: string, basis = "") => out.push(`${left.padEnd(58)} ${amount.padStart(10)}  ${basis}`.trimEnd());
  for (const region of estimate.regions) {
    row(region, "USD/month", "basis");
    for (const group of groups(estimate.lines, region)) {
      row(`  ${group.component}${group.count > 1 ? ` (${group.count})` : ""}`, usd(group.monthlyUsd), basisOf(group));
    }
    row(`  ${region} idle total`, usd(regionTotal(estimate, region)));
    out.push("");
  }
  row("Idle total, all Regions (runs whether or not anyone computes)", usd(estimate.fixedMonthlyUsd));
  out.push("", "Per worker-host hour, on top of the idle total while a host runs:");
  for (const h of estimate.hostHours) {
    out.push(
      `  ${h.region.padEnd(16)} ${h.instanceType} + ${h.volumeGiB} GiB gp3: ${rate(h.hourlyUsd)}${markOf(h)} per host-hour (${usd(h.hourlyUsd * estimate.hoursPerMonth)} per host-month)`,
    );
  }
  out.push("", "Data transfer unit prices, per GB (volumes are not estimated):");
  for (const t of estimate.transfer) {
    out.push(`  ${t.region.padEnd(16)} ${t.what}: ${rate(t.usdPerGb)}${markOf(t)}`);
  }
  out.push("", "Usage-priced, not in the totals:");
  for (const u of estimate.usage) {
    out.push(`  ${u.type} x ${u.count}: ${u.note}`);
  }
  const freeCount = estimate.free.reduce((sum, f) => sum + f.count, 0);
  out.push("", `No charge: ${freeCount} resources of ${estimate.free.length} kinds (${estimate.free.map((f) => f.type.replace(/^aws_/, "")).join(", ")}).`);
  out.push(
    "",
    ...markNotes(estimate),
    "Price sources:",
    ...sourceLines(estimate, table).map((line) => `  ${line}`),
  );
  return `${out.join("\n")}\n`;
}

/** Markdown for the plan review. */
export function renderMarkdown(estimate: Estimate, table: PriceTable = PRICES): string {
  const out: string[] = ["## Cost estimate", "", `> ${disclaimer(estimate)}`, ""];
  out.push("| Region | component | basis | USD/month |", "| --- | --- | --- | ---: |");
  for (const region of estimate.regions) {
    for (const group of groups(estimate.lines, region)) {
      out.push(`| ${region} | ${group.component}${group.count > 1 ? ` (${group.count})` : ""} | ${basisOf(group)} | ${usd(group.monthlyUsd)} |`);
    }
    out.push(`| **${region}** | **idle total** | | **${usd(regionTotal(estimate, region))}** |`);
  }
  out.push(`| **all** | **idle total** | | **${usd(estimate.fixedMonthlyUsd)}** |`, "");
  out.push("Per worker-host hour (added while a host runs):", "");
  for (const h of estimate.hostHours) {
    out.push(`- ${h.region}: ${h.instanceType} + ${h.volumeGiB} GiB gp3, ${rate(h.hourlyUsd)}${markOf(h)} per host-hour`);
  }
  out.push("", "Data transfer, per GB (volumes not estimated):", "");
  for (const t of estimate.transfer) {
    out.push(`- ${t.region}: ${t.what}, ${rate(t.usdPerGb)}${markOf(t)}`);
  }
  out.push("", `Usage-priced, not in the totals: ${estimate.usage.map((u) => `${u.type} x ${u.count}`).join(", ")}.`, "");
  out.push(...markNotes(estimate).map((note) => note.replace(/^([?~])/, "`$1`")), "", "Sources:", "");
  out.push(...sourceLines(estimate, table).map((line) => `- ${line}`), "");
  return `${out.join("\n")}\n`;
}
