import { blocks, list } from "../config";
import { DASHBOARD_LB_ROLE, flowRole, securityGroupOf } from "../security-groups";
import { compliant, GuardrailRule, nonCompliant, ResourceView, RuleContext, RuleResult } from "../types";

/** One way into a security group, whatever resource declares it. */
interface Ingress {
  readonly label: string;
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  readonly openCidrs: readonly string[];
}

const isOpen = (cidr: unknown): cidr is string => typeof cidr === "string" && /\/0$/.test(cidr.trim());

function ingressesOf(resource: ResourceView): Ingress[] {
  const c = resource.config;
  switch (resource.type) {
    case "aws_vpc_security_group_ingress_rule":
      return [{ label: "rule", protocol: c.ip_protocol, fromPort: c.from_port, toPort: c.to_port, openCidrs: [c.cidr_ipv4, c.cidr_ipv6].filter(isOpen) }];
    case "aws_security_group_rule":
      return c.type === "ingress"
        ? [{ label: "rule", protocol: c.protocol, fromPort: c.from_port, toPort: c.to_port, openCidrs: [...list(c.cidr_blocks), ...list(c.ipv6_cidr_blocks)].filter(isOpen) }]
        : [];
    default:
      return blocks(c.ingress).map((rule, index) => ({
        label: `ingress block ${index + 1}`,
        protocol: rule.protocol,
        fromPort: rule.from_port,
        toPort: rule.to_port,
        openCidrs: [...list(rule.cidr_blocks), ...list(rule.ipv6_cidr_blocks)].filter(isOpen),
      }));
  }
}

/** The group an ingress belongs to: the rule's `security_group_id`, or the group itself. */
function groupOf(resource: ResourceView, context: RuleContext): ResourceView | undefined {
  return resource.type.endsWith("security_group") ? resource : securityGroupOf(context.stack, resource.config.security_group_id);
}

function isHttpsOnly(ingress: Ingress): boolean {
  return String(ingress.protocol) === "tcp" && Number(ingress.fromPort) === 443 && Number(ingress.toPort) === 443;
}

function check(resource: ResourceView, context: RuleContext): RuleResult {
  const open = ingressesOf(resource).filter((ingress) => ingress.openCidrs.length > 0);
  if (open.length === 0) {
    return compliant();
  }
  const group = groupOf(resource, context);
  const dashboard = group !== undefined && flowRole(group) === DASHBOARD_LB_ROLE;
  if (context.options.allowPublicDashboard && dashboard && open.every(isHttpsOnly)) {
    return compliant("public dashboard load balancer on HTTPS 443 (dashboard.public)");
  }
  const first = open[0];
  const ports = first.fromPort === first.toPort ? String(first.fromPort) : `${String(first.fromPort)}-${String(first.toPort)}`;
  const why = dashboard && !context.options.allowPublicDashboard ? " (the dashboard is not configured public)" : "";
  return nonCompliant(`${first.label} admits ${first.openCidrs.join(", ")} on ${String(first.protocol)} ${ports}${why}`);
}

/** Network: no security group admits the whole internet. */
export const sgNoOpenIngress: GuardrailRule = {
  id: "SG-NO-OPEN-INGRESS",
  description: "No security group ingress from 0.0.0.0/0 or ::/0 (separate rules and inline ingress blocks), except HTTPS 443 to a dashboard load balancer configured public.",
  resourceTypes: ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_security_group", "aws_default_security_group"],
  fix: "Admit the topology's CIDRs or a referenced security group instead of 0.0.0.0/0 or ::/0.",
  check,
};
