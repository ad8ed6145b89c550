import { isTrue, list } from "../config";
import { DASHBOARD_LB_ROLE, flowRole, securityGroupOf } from "../security-groups";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** Network: load balancers are internal unless the public dashboard is configured. */
export const lbInternal: GuardrailRule = {
  id: "LB-INTERNAL",
  description: "Load balancers are internal (internal = true), except the dashboard's when dashboard.public is configured.",
  resourceTypes: ["aws_lb", "aws_alb", "aws_elb"],
  fix: "Set internal = true (the default of aws_lb is internet-facing), or configure dashboard.public for the dashboard's load balancer.",
  check(lb, { stack, options }) {
    if (isTrue(lb.config.internal)) {
      return compliant();
    }
    const groups = list(lb.config.security_groups).map((id) => securityGroupOf(stack, id));
    const dashboard = groups.some((group) => group !== undefined && flowRole(group) === DASHBOARD_LB_ROLE);
    if (dashboard && options.allowPublicDashboard) {
      return compliant("public dashboard (dashboard.public); its listeners are checked by LB-HTTPS-ONLY");
    }
    return nonCompliant(`is internet-facing (internal is ${lb.config.internal === undefined ? "unset" : "false"})`);
  },
};
