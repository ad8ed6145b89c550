import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../../modules/config/validate";
import { describeError, parseCdktfRun } from "../../../modules/rehearse/cdktf-log";
import { renderRehearsal, RehearsalReport } from "../../../modules/rehearse/report";
import { declaredOutputs, renderOutputs } from "../../../modules/rehearse/user-outputs";
import { closure, MUTATIONS, mutationTopology } from "../../../scripts/rehearse/mutations";
import { grownConfig } from "../../../scripts/rehearse/rehearse";
import { defaultConfig, synthApp } from "../../helpers/synth";

const STACKS = ["identity-eu-west-2", "network-eu-west-2", "network-us-east-1", "network-us-west-2", "peering-us-west-2", "pool-us-west-2", "catalog-eu-west-2", "scheduler-eu-west-2"];

describe("reading cdktf deploy output", () => {
  const log = readFileSync(join(__dirname, "..", "..", "fixtures", "rehearse", "cdktf-deploy-failed.log"), "utf8").split("\n");

  test("counts what each stack applied (a real, partly failed run)", () => {
    const run = parseCdktfRun(log, STACKS);
    expect(run.stacks["network-eu-west-2"]).toMatchObject({ added: 41, changed: 0, destroyed: 0, completed: true });
    expect(run.stacks["identity-eu-west-2"]).toMatchObject({ added: 3, completed: true });
    expect(run.stacks["pool-us-west-2"]?.completed).toBe(false);
    expect(run.cliErrors).toEqual([]);
  });

  test("names the stack and the resource of a Terraform error", () => {
    const [error] = parseCdktfRun(log, STACKS).errors;
    expect(error).toEqual({
      stack: "peering-us-west-2",
      resource: "aws_route53_zone_association.scheduler-dns",
      message: expect.stringMatching(/^reading Route 53 Zone Association .*: empty result$/),
    });
    expect(describeError(error)).toMatch(/^stack peering-us-west-2, resource aws_route53_zone_association.scheduler-dns: reading Route 53/);
  });

  test("times each stack from its first plan or apply line to its completion", () => {
    const run = parseCdktfRun(
      [
        { at: 1, text: "network-eu-west-2  Initializing the backend..." },
        { at: 5, text: "network-eu-west-2  aws_vpc.vpc: Creating..." },
        { at: 9, text: "network-eu-west-2  " },
        { at: 9, text: "                   Apply complete! Resources: 2 added, 1 changed, 0 destroyed." },
        { at: 12, text: "network-us-east-1  Destroy complete! Resources: 7 destroyed." },
      ],
      STACKS,
    );
    expect(run.stacks["network-eu-west-2"]).toMatchObject({ startedAt: 5, finishedAt: 9, added: 2, changed: 1 });
    expect(run.stacks["network-us-east-1"]).toMatchObject({ destroyed: 7, completed: true });
  });

  test("reports the lines the cdktf CLI logs as [ERROR] (a checkpoint call offline, a missing CLI config)", () => {
    const run = parseCdktfRun(["\u001b[91m[2026-11-30T09:35:42.047] [ERROR] default - \u001b[39mgetaddrinfo ENOTFOUND checkpoint-api.hashicorp.com"], STACKS);
    expect(run.cliErrors).toEqual(["[2026-11-30T09:35:42.047] [ERROR] default - getaddrinfo ENOTFOUND checkpoint-api.hashicorp.com"]);
  });

  test("an init failure without a resource still names the stack", () => {
    const run = parseCdktfRun(
      ["network-eu-west-2  ╷", "                   │ Error: Failed to get existing workspaces: S3 bucket \"proximate-tfstate-example\" does not exist.", "                   │ ", "                   ╵"],
      STACKS,
    );
    expect(run.errors).toEqual([{ stack: "network-eu-west-2", message: 'Failed to get existing workspaces: S3 bucket "proximate-tfstate-example" does not exist.' }]);
  });
});

describe("user outputs", () => {
  const app = synthApp(defaultConfig());
  const declared = app.stackNames().flatMap((name) => declaredOutputs(name, app.stack(name).json));

  test("every client output a user needs is declared by a stack, never a cross-stack output", () => {
    const client = declared.filter((o) => o.region === "eu-west-2").map((o) => o.name).sort();
    expect(client).toEqual(["catalog-endpoint", "dashboard-access", "dashboard-url", "dask-scheduler", "notebook-name", "notebook-open-command", "notebook-url"]);
    for (const region of ["us-east-1", "us-west-2"]) {
      expect(declared.filter((o) => o.region === region).map((o) => o.name).sort()).toEqual(["dask-pool", "data-host-session", "datasets"]);
    }
    expect(declared.every((o) => o.description.length > 10)).toBe(true);
  });

  test("outputs are stack outputs (constructs create none)", () => {
    const notebook = app.stack("notebook-eu-west-2").json.output;
    expect(notebook["notebook-open-command"].value).toBe(
      "aws sagemaker create-presigned-notebook-instance-url --region eu-west-2 --notebook-instance-name ${aws_sagemaker_notebook_instance.notebook} --query AuthorizedUrl --output text".replace(
        "${aws_sagemaker_notebook_instance.notebook}",
        `\${${app.stack("notebook-eu-west-2").address("aws_sagemaker_notebook_instance", "notebook/Default")}.name}`,
      ),
    );
    expect(app.stack("scheduler-eu-west-2").json.output["dask-scheduler"].value).toBe("tcp://scheduler.proximate.internal:8786");
  });

  test("renders per Region, the client first", () => {
    const text = renderOutputs(
      [
        { stack: "pool-us-east-1", region: "us-east-1", name: "dask-pool", description: "Dask pool", value: "pool-us-east-1" },
        { stack: "scheduler-eu-west-2", region: "eu-west-2", name: "dask-scheduler", description: "Scheduler", value: "tcp://scheduler.proximate.internal:8786" },
      ],
      "eu-west-2",
    );
    expect(text.split("\n")).toEqual(["eu-west-2 (client Region)", "  Scheduler", "    tcp://scheduler.proximate.internal:8786", "", "us-east-1", "  Dask pool", "    pool-us-east-1", ""]);
  });
});

describe("rehearsal topologies and mutations", () => {
  test("the grown topology keeps the default's Regions as they are and adds valid ones up to four workers", () => {
    const base = defaultConfig() as never;
    const grown = grownConfig(base, 4) as { workers: { region: string; cidr: string; datasets: unknown[] }[] };
    expect(grown.workers).toHaveLength(4);
    expect(grown.workers[2].datasets).toHaveLength(2);
    expect(grown.workers.slice(0, 2)).toEqual((defaultConfig() as unknown as { workers: unknown[] }).workers);
    expect(() => parseConfig(grown, "test")).not.toThrow();
  });

  test("the mutation topology is valid and holds two datasets in one worker Region", () => {
    const config = mutationTopology() as { workers: { datasets: unknown[] }[] };
    expect(() => parseConfig(config, "test")).not.toThrow();
    expect(config.workers[0].datasets).toHaveLength(2);
  });

  test("a partial run deploys a stack with every stack it depends on", () => {
    const app = synthApp(mutationTopology() as never);
    expect(closure(app.manifest, ["accept-eu-west-2"])).toEqual(["accept-eu-west-2", "network-eu-west-2", "network-us-east-1", "peering-us-east-1"]);
    expect(closure(app.manifest, ["pool-us-east-1"])).toEqual(["network-us-east-1", "pool-us-east-1"]);
  });

  test("every mutation still applies to the code it breaks", () => {
    const root = join(__dirname, "..", "..", "..");
    for (const mutation of MUTATIONS) {
      for (const [file, text] of mutation.edits) {
        expect({ mutation: mutation.name, found: readFileSync(join(root, file), "utf8").includes(text) }).toEqual({ mutation: mutation.name, found: true });
      }
    }
  });
});

describe("the rehearsal report", () => {
  test("renders per-stack figures, the shims and what was shortened", () => {
    const report: RehearsalReport = {
      startedAt: "2026-11-30T10:00:00.000Z",
      seconds: 1500,
      phases: [{ name: "default", commands: [{ command: "npx cdktf deploy '*'", seconds: 800, exit: 0, log: "x" }], ok: true }],
      stacks: { "network-eu-west-2": { stack: "network-eu-west-2", applied: 41, deploySeconds: 90, replanned: 0, destroyed: 41 } },
      shims: ["transit_gateway_without_default_route_table"],
      moto: "5.2.4",
      shortened: ["OpenSearch waits once"],
      failures: [],
      ok: true,
    };
    const text = renderRehearsal(report);
    expect(text).toContain("# Deploy rehearsal: passed");
    expect(text).toContain("| network-eu-west-2 | 41 | 1 min 30 s | 0 |  |  |  | 41 |  |");
    expect(text).toContain("- `transit_gateway_without_default_route_table`");
    expect(text).toContain("- OpenSearch waits once");
    expect(text).toContain("| default | `npx cdktf deploy '*'` | 0 | 13 min 20 s |");
  });
});
