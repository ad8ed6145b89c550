import { generateConfig } from "../../../modules/config/generate";
import { verifyTopology } from "../../../modules/reachability/verify";
import { defaultConfig } from "../../helpers/synth";
import { mutate, removeResource, resourceName, rows, synthOutput } from "./synthesized";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Makes the default topology's dashboard internet-facing with the given listener protocol and port. */
function publicDashboard(stacks: Map<string, Json>, protocol: string, port: number): void {
  const scheduler = stacks.get("scheduler-eu-west-2") as Json;
  scheduler.resource.aws_lb[resourceName(scheduler, "aws_lb", "dashboard/Default")].internal = false;
  Object.assign(scheduler.resource.aws_lb_listener[resourceName(scheduler, "aws_lb_listener", "dashboard/listener")], { protocol, port });
  const rule = scheduler.resource.aws_vpc_security_group_ingress_rule[resourceName(scheduler, "aws_vpc_security_group_ingress_rule", "dashboard/from-10-0-0-0-16")];
  Object.assign(rule, { cidr_ipv4: "0.0.0.0/0", from_port: port, to_port: port });
}

describe("reachability of the default topology", () => {
  const output = synthOutput(defaultConfig());
  const verdict = verifyTopology(output);

  test("every required flow passes and nothing is exposed", () => {
    expect(verdict.rows.filter((row) => row.status !== "pass")).toEqual([]);
    expect(verdict.exposures).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.clientRegion).toBe("eu-west-2");
    expect(verdict.workerRegions).toEqual(["us-east-1", "us-west-2"]);
    expect(verdict.topologyCidrs).toEqual(["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"]);
  });

  test("the matrix holds every worker Region's flows, worker and nanny ports separately", () => {
    expect(rows(verdict, "workers-to-scheduler", "workers@us-east-1", "scheduler@eu-west-2").map((r) => r.ports)).toEqual(["tcp 8786"]);
    expect(rows(verdict, "scheduler-to-workers", "scheduler@eu-west-2", "workers@us-west-2").map((r) => r.ports)).toEqual(["tcp 9000-9015", "tcp 9100-9115"]);
    expect(verdict.rows.filter((row) => row.flow === "worker-to-worker").map((row) => `${row.source}>${row.destination}`)).toEqual([
      "workers@us-east-1>workers@us-east-1",
      "workers@us-east-1>workers@us-west-2",
      "workers@us-west-2>workers@us-east-1",
      "workers@us-west-2>workers@us-west-2",
    ]);
  });

  test("a removed Transit Gateway route blocks at the source TGW route table, and the return path at the TGW route table back", () => {
    const broken = verifyTopology(mutate(output, (stacks) => removeResource(stacks, "routes-us-east-1", "aws_ec2_transit_gateway_route", "routes-us-east-1/to-eu-west-2/Default")));
    expect(rows(broken, "workers-to-scheduler", "workers@us-east-1", "scheduler@eu-west-2")).toEqual([
      expect.objectContaining({ status: "fail", hop: "source-tgw-route-table", detail: expect.stringContaining("network-us-east-1/aws_ec2_transit_gateway_route_table.tgw_route-table_74C24AD2 has no route to 10.0.") }),
    ]);
    expect(rows(broken, "scheduler-to-workers", "scheduler@eu-west-2", "workers@us-east-1").map((r) => r.hop)).toEqual(["return-tgw-route-table", "return-tgw-route-table"]);
    expect(rows(broken, "workers-to-scheduler", "workers@us-west-2", "scheduler@eu-west-2")[0].status).toBe("pass");
    expect(broken.ok).toBe(false);
  });

  test("a removed VPC route blocks at the source subnet's route table, and the return path at the route back", () => {
    const broken = verifyTopology(mutate(output, (stacks) => removeResource(stacks, "network-us-east-1", "aws_route", "tgw/to-eu-west-2-us-east-1a")));
    expect(rows(broken, "workers-to-scheduler", "workers@us-east-1", "scheduler@eu-west-2")).toEqual([
      expect.objectContaining({ status: "fail", hop: "source-route-table", detail: expect.stringMatching(/vpc_private-us-east-1a-rt.* \(subnet network-us-east-1\/aws_subnet\.vpc_private-us-east-1a_.*\) has no route to 10\.0\./) }),
    ]);
    expect(rows(broken, "scheduler-to-workers", "scheduler@eu-west-2", "workers@us-east-1")[0]).toMatchObject({ status: "fail", hop: "return-route-table" });
    expect(rows(broken, "worker-to-worker", "workers@us-east-1", "workers@us-west-2")[0].status).toBe("pass");
  });

  test("a removed security group rule blocks at the destination's ingress", () => {
    const broken = verifyTopology(mutate(output, (stacks) => removeResource(stacks, "scheduler-eu-west-2", "aws_vpc_security_group_ingress_rule", "scheduler/scheduler-from-us-east-1")));
    expect(rows(broken, "workers-to-scheduler", "workers@us-east-1", "scheduler@eu-west-2")).toEqual([
      expect.objectContaining({
        status: "fail",
        hop: "destination-ingress",
        detail: expect.stringContaining("scheduler-eu-west-2/aws_security_group.scheduler_sg_10C7A23A (scheduler) has no ingress rule admitting tcp 8786 from 10.1."),
      }),
    ]);
    expect(rows(broken, "workers-to-scheduler", "workers@us-west-2", "scheduler@eu-west-2")[0].status).toBe("pass");
  });

  test("a removed egress rule blocks at the source's egress", () => {
    const broken = verifyTopology(mutate(output, (stacks) => removeResource(stacks, "pool-us-west-2", "aws_vpc_security_group_egress_rule", "workers/to-scheduler")));
    expect(rows(broken, "workers-to-scheduler", "workers@us-west-2", "scheduler@eu-west-2")[0]).toMatchObject({ status: "fail", hop: "source-egress" });
  });

  test("a removed peering accepter blocks at the peering, in both directions", () => {
    const broken = verifyTopology(
      mutate(output, (stacks) => removeResource(stacks, "accept-eu-west-2", "aws_ec2_transit_gateway_peering_attachment_accepter", "accept-eu-west-2/from-us-east-1/Default")),
    );
    expect(rows(broken, "workers-to-scheduler", "workers@us-east-1", "scheduler@eu-west-2")).toEqual([
      expect.objectContaining({ status: "fail", hop: "peering", detail: expect.stringContaining("accepter accept-eu-west-2/aws_ec2_transit_gateway_peering_attachment_accepter.from-us-east-1 does not exist") }),
    ]);
    expect(rows(broken, "scheduler-to-workers", "scheduler@eu-west-2", "workers@us-east-1")[0]).toMatchObject({ status: "fail", hop: "peering" });
    expect(rows(broken, "worker-to-worker", "workers@us-west-2", "workers@us-east-1")[0].status).toBe("pass");
  });

  test("fails when an ingress rule admits addresses outside the topology", () => {
    const exposed = verifyTopology(
      mutate(output, (stacks) => {
        const scheduler = stacks.get("scheduler-eu-west-2") as Json;
        scheduler.resource.aws_vpc_security_group_ingress_rule[resourceName(scheduler, "aws_vpc_security_group_ingress_rule", "scheduler/scheduler-from-client")].cidr_ipv4 = "192.168.0.0/16";
      }),
    );
    expect(exposed.exposures).toEqual([
      expect.objectContaining({ group: "scheduler-eu-west-2/aws_security_group.scheduler_sg_10C7A23A", role: "scheduler", admits: "192.168.0.0/16 tcp 8786", allowed: false }),
    ]);
    expect(exposed.ok).toBe(false);
  });

  test("an explicitly public dashboard (internet-facing, HTTPS listeners only) may admit 0.0.0.0/0 on its listener port", () => {
    const verdict = verifyTopology(mutate(output, (stacks) => publicDashboard(stacks, "HTTPS", 443)));
    expect(verdict.exposures).toEqual([
      expect.objectContaining({ role: "dashboard-lb", admits: "0.0.0.0/0 tcp 443", allowed: true, note: expect.stringContaining("public dashboard: scheduler-eu-west-2/aws_lb.dashboard is internet-facing") }),
    ]);
    expect(verdict.ok).toBe(true);
  });

  test("fails when the open dashboard listens on plain HTTP", () => {
    const verdict = verifyTopology(mutate(output, (stacks) => publicDashboard(stacks, "HTTP", 80)));
    expect(verdict.exposures).toEqual([expect.objectContaining({ admits: "0.0.0.0/0 tcp 80", allowed: false })]);
    expect(verdict.ok).toBe(false);
  });

  test("flows whose security groups do not exist are 'not deployed', not failures", () => {
    const withoutLustre = verifyTopology(
      mutate(output, (stacks) => {
        for (const json of stacks.values()) {
          for (const [name, group] of Object.entries<Json>(json.resource?.aws_security_group ?? {})) {
            if (group.tags?.["proximate:flow-role"] === "lustre") {
              delete json.resource.aws_security_group[name];
            }
          }
        }
      }),
    );
    expect(withoutLustre.rows.filter((row) => row.flow.endsWith("-to-lustre")).map((row) => [row.source, row.status, row.detail])).toEqual([
      ["worker-hosts@us-east-1", "not-deployed", "no security group tagged lustre in us-east-1"],
      ["worker-hosts@us-west-2", "not-deployed", "no security group tagged lustre in us-west-2"],
      ["data-host@us-east-1", "not-deployed", "no security group tagged lustre in us-east-1"],
      ["data-host@us-west-2", "not-deployed", "no security group tagged lustre in us-west-2"],
    ]);
    expect(withoutLustre.ok).toBe(true);
  });

  test("fails when a required endpoint is missing in a worker Region", () => {
    const withoutWorkers = verifyTopology(mutate(output, (stacks) => removeResource(stacks, "pool-us-west-2", "aws_security_group", "workers/task-sg")));
    expect(rows(withoutWorkers, "workers-to-scheduler", "workers@us-west-2", "scheduler@eu-west-2")).toEqual([
      expect.objectContaining({ status: "fail", hop: "placement", detail: "no security group tagged workers in us-west-2" }),
    ]);
  });
});

describe("reachability of a four-worker-Region topology", () => {
  const output = synthOutput(generateConfig(4));
  const verdict = verifyTopology(output);

  test("every flow between every pair of Regions passes", () => {
    expect(verdict.workerRegions).toEqual(["ap-southeast-2", "eu-central-1", "us-east-1", "us-west-2"]);
    expect(verdict.rows.filter((row) => row.status !== "pass")).toEqual([]);
    expect(verdict.rows.filter((row) => row.flow === "worker-to-worker")).toHaveLength(16);
    expect(verdict.rows.filter((row) => row.flow === "scheduler-to-workers")).toHaveLength(8);
    expect(verdict.ok).toBe(true);
  });

  test("a removed route between two worker Regions blocks only that pair, at the right hop each way", () => {
    const broken = verifyTopology(mutate(output, (stacks) => removeResource(stacks, "routes-us-west-2", "aws_ec2_transit_gateway_route", "routes-us-west-2/to-eu-central-1/Default")));
    expect(rows(broken, "worker-to-worker", "workers@us-west-2", "workers@eu-central-1")[0]).toMatchObject({ status: "fail", hop: "source-tgw-route-table" });
    expect(rows(broken, "worker-to-worker", "workers@eu-central-1", "workers@us-west-2")[0]).toMatchObject({ status: "fail", hop: "return-tgw-route-table" });
    const failing = new Set(broken.rows.filter((row) => row.status === "fail").map((row) => `${row.source}>${row.destination}`));
    expect([...failing].sort()).toEqual(["workers@eu-central-1>workers@us-west-2", "workers@us-west-2>workers@eu-central-1"]);
  });

  test("a removed accepter between two worker Regions blocks that peering", () => {
    const broken = verifyTopology(
      mutate(output, (stacks) => removeResource(stacks, "accept-eu-central-1", "aws_ec2_transit_gateway_peering_attachment_accepter", "accept-eu-central-1/from-us-west-2/Default")),
    );
    expect(rows(broken, "worker-to-worker", "workers@us-west-2", "workers@eu-central-1")[0]).toMatchObject({ status: "fail", hop: "peering" });
    expect(rows(broken, "workers-to-scheduler", "workers@us-west-2", "scheduler@eu-west-2")[0].status).toBe("pass");
  });
});
