import { resourcesReferencing } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** Network: every VPC records flow logs. */
export const vpcFlowLogs: GuardrailRule = {
  id: "VPC-FLOW-LOGS",
  description: "Every VPC has a flow log (aws_flow_log with its vpc_id) in the same stack.",
  resourceTypes: ["aws_vpc"],
  fix: "Add an aws_flow_log with vpc_id = the VPC's id, traffic_type ALL, to CloudWatch Logs or S3 (constructs/vpc-network.ts does).",
  check(vpc, { stack }) {
    const logs = resourcesReferencing(stack, "aws_flow_log", "vpc_id", vpc);
    return logs.length > 0 ? compliant(`${logs[0].address} (${String(logs[0].config.traffic_type ?? "ALL")})`) : nonCompliant("has no flow log in this stack");
  },
};
