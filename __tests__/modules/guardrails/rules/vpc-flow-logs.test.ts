import { vpcFlowLogs } from "../../../../modules/guardrails/rules/vpc-flow-logs";
import { check, resource } from "../fixtures";

const vpc = resource("aws_vpc", "vpc", { cidr_block: "10.0.0.0/16" });

describe("VPC-FLOW-LOGS", () => {
  test("compliant with a flow log on the VPC", () => {
    const log = resource("aws_flow_log", "log", { vpc_id: "${aws_vpc.vpc.id}", traffic_type: "ALL" });
    expect(check(vpcFlowLogs, [vpc, log])).toEqual({ status: "compliant", note: "aws_flow_log.log (ALL)" });
  });

  test("non-compliant without one (a flow log of another VPC does not count)", () => {
    const other = resource("aws_flow_log", "log", { vpc_id: "${aws_vpc.other.id}" });
    expect(check(vpcFlowLogs, [vpc, other])).toEqual({ status: "non-compliant", problem: "has no flow log in this stack" });
  });
});
