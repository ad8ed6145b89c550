import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Estimate } from "../../../modules/cost/estimate";
import {
  blockContent,
  costGroup,
  FiguresError,
  renderCatalog,
  renderCost,
  renderGuardrails,
  renderProximity,
  renderScaling,
  renderSynth,
  renderTest,
  replaceBlocks,
  SavedFigures,
  staleBlocks,
} from "../../../modules/readme/figures";

const text = ["# T", "<!-- figures:a -->", "old a", "<!-- /figures:a -->", "between", "<!-- figures:b -->", "<!-- /figures:b -->", "end"].join("\n");

const figuresDir = join(__dirname, "..", "..", "..", "docs", "figures");
const savedFile = (bench: string) => JSON.parse(readFileSync(join(figuresDir, `${bench}.json`), "utf8")) as SavedFigures;

describe("README figure blocks", () => {
  test("replaces only the content between the markers", () => {
    const out = replaceBlocks(text, { a: "new a", b: "new b\n" });
    expect(out).toBe(["# T", "<!-- figures:a -->", "new a", "<!-- /figures:a -->", "between", "<!-- figures:b -->", "new b", "<!-- /figures:b -->", "end"].join("\n"));
    expect(blockContent(out, "a")).toBe("new a");
  });

  test("rewriting twice changes nothing", () => {
    const once = replaceBlocks(text, { a: "x", b: "y" });
    expect(replaceBlocks(once, { a: "x", b: "y" })).toBe(once);
  });

  test("a hand edit makes its block stale", () => {
    const current = replaceBlocks(text, { a: "x", b: "y" });
    expect(staleBlocks(current, { a: "x", b: "y" })).toEqual([]);
    expect(staleBlocks(current.replace("\nx\n", "\nx (edited)\n"), { a: "x", b: "y" })).toEqual(["a"]);
  });

  test("a block nothing renders is reported", () => {
    expect(staleBlocks(text, { a: "old a" })).toEqual(["b (no renderer)"]);
  });

  test("fails when a block's markers are missing", () => {
    expect(() => replaceBlocks(text, { c: "x" })).toThrow(new FiguresError("README block c: markers <!-- figures:c --> ... <!-- /figures:c --> not found (or out of order)"));
  });
});

describe("renderers", () => {
  const estimate = (fixed: number): Estimate => ({
    regions: ["eu-west-2", "us-east-1"],
    lines: [
      { region: "eu-west-2", component: "NAT gateway", basis: "", monthlyUsd: fixed - 100, unverified: false, thirdParty: false },
      { region: "us-east-1", component: "Interface endpoint ssm", basis: "", monthlyUsd: 100, unverified: false, thirdParty: false },
    ],
    hostHours: [{ region: "us-east-1", instanceType: "m6i.xlarge", volumeGiB: 40, hourlyUsd: 0.1964, unverified: false, thirdParty: false }],
    transfer: [],
    usage: [],
    free: [],
    fixedMonthlyUsd: fixed,
    hoursPerMonth: 730,
    compiled: "2026-11-30",
    sources: [],
  });

  test("cost: per topology the idle total, per Region and the host hour", () => {
    const out = renderCost([{ name: "default", estimate: estimate(1595.6) }, { name: "4 workers", estimate: estimate(3000.4) }]);
    expect(out).toContain("| default | **$1,596** | eu-west-2 $1,496, us-east-1 $100 | m6i.xlarge $0.20 |");
    expect(out).toContain("| 4 workers | **$3,000** |");
    expect(out).toContain("goes: NAT gateways $1,496, interface endpoints $100.");
  });

  test.each([
    ["Interface endpoint ecr.api", "interface endpoints"],
    ["Public IPv4 address (NAT)", "NAT gateways"],
    ["Transit Gateway peering to eu-west-2", "Transit Gateways"],
    ["Dashboard load balancer (internal)", "the dashboard load balancer"],
    ["KMS key", "other (DNS, KMS keys, alarms)"],
  ])("cost group of %s is %s", (component, group) => {
    expect(costGroup(component)).toBe(group);
  });

  test("guardrails: counts from guardrails.json", () => {
    expect(renderGuardrails({ totals: { compliant: 792, "non-compliant": 0, warning: 0, suppressed: 3, "not-applicable": 69 }, rules: [{ id: "A" }, { id: "B" }], suppressions: [1, 2] })).toBe(
      "2 rules; on the default topology 792 compliant checks, 0 violations, 0 warnings, 2 suppressions with their reasons (3 resources), 69 not applicable.",
    );
  });

  test("saved figures name where and when they were measured", () => {
    const saved: SavedFigures = { command: "npm test", measuredOn: "2026-11-30", machine: "2 cores", source: "the bench's output", lines: [{ seconds: 612, passed: 900 }] };
    expect(renderTest(saved)).toBe("`npm test` takes about 10 minutes on a 2-core machine, 900 checks passed.\n<sub>Measured 2026-11-30 with `npm test` (2 cores); source: the bench's output.</sub>");
  });

  test("fails when a saved figure is missing, naming it", () => {
    const saved: SavedFigures = { command: "npm run bench:synth", measuredOn: "x", machine: "y", source: "z", lines: [{ topology: "default", runs: 3 }, { topology: "workers-10" }] };
    expect(() => renderSynth(saved)).toThrow('synth: seconds: got undefined; allowed: a number');
  });

  test.each([
    ["catalog", renderCatalog],
    ["scaling", renderScaling],
    ["proximity", renderProximity],
    ["test", renderTest],
    ["synth", renderSynth],
  ])("the committed docs/figures/%s.json renders", (bench, render) => {
    const out = (render as (s: SavedFigures) => string)(savedFile(bench));
    expect(out).toContain("Measured ");
    expect(out).not.toMatch(/NaN|undefined/);
  });

  test("scaling: ranges over the runs", () => {
    expect(renderScaling(savedFile("scaling"))).toContain("From zero workers to the first task: 16.5-18.1 s");
  });
});
