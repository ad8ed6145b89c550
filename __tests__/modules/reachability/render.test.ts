import { renderVerdict } from "../../../modules/reachability/render";
import { TopologyVerdict } from "../../../modules/reachability/verify";

const verdict: TopologyVerdict = {
  clientRegion: "eu-west-2",
  workerRegions: ["us-east-1"],
  topologyCidrs: ["10.0.0.0/16", "10.1.0.0/16"],
  rows: [
    { flow: "workers-to-scheduler", source: "workers@us-east-1", destination: "scheduler@eu-west-2", ports: "tcp 8786", status: "pass", detail: "ok" },
    { flow: "scheduler-to-workers", source: "scheduler@eu-west-2", destination: "workers@us-east-1", ports: "tcp 9000-9015", status: "fail", hop: "return-route-table", detail: "rt has no route to 10.0.0.0/18" },
    { flow: "hosts-to-lustre", source: "worker-hosts@us-east-1", destination: "lustre@us-east-1", ports: "tcp 988", status: "not-deployed", detail: "no security group tagged lustre in us-east-1" },
  ],
  exposures: [],
  ok: false,
};

describe("renderVerdict", () => {
  test("prints an aligned matrix with the first blocking hop, 'not deployed' rows and a summary", () => {
    expect(renderVerdict(verdict).split("\n")).toEqual([
      "Topology: client Region eu-west-2; worker Regions us-east-1; CIDRs 10.0.0.0/16, 10.1.0.0/16",
      "",
      "FLOW                  SOURCE                  DESTINATION          PORTS          RESULT",
      "workers-to-scheduler  workers@us-east-1       scheduler@eu-west-2  tcp 8786       pass",
      "scheduler-to-workers  scheduler@eu-west-2     workers@us-east-1    tcp 9000-9015  FAIL at return-route-table: rt has no route to 10.0.0.0/18",
      "hosts-to-lustre       worker-hosts@us-east-1  lustre@us-east-1     tcp 988        not deployed (no security group tagged lustre in us-east-1); checked once its security groups exist",
      "",
      "Exposure (ingress from outside the topology's CIDRs):",
      "  none: every ingress rule admits only 10.0.0.0/16, 10.1.0.0/16 or security groups",
      "",
      "1 pass, 1 fail, 1 not deployed; 0 exposed ingress rules: topology FAILS",
      "",
    ]);
  });
});
