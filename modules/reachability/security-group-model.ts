/** The security part of the network model: security groups, their rules and placement, and load balancers. */
import { parseReference, stringsIn } from "../guardrails/refs";
import { FLOW_ROLE_TAG } from "../network/ports";
import { Ipv4Block, toBlock } from "./cidr-set";
import { blocks, list, ModelContext } from "./model-context";
import { LoadBalancerNode, SecurityGroupNode, SgRule, SubnetNode } from "./network";
import { addressKey } from "./references";
import { Block, SynthOutput } from "./synth-output";

const SG_TYPES = ["aws_security_group", "aws_default_security_group"];
const SG_RULE_TYPES = new Set(["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_security_group_rule"]);
const PROTOCOLS: Readonly<Record<string, string>> = { "-1": "all", all: "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };
const PLACEMENT_ASSUMED = "no resource with subnets uses this group: assumed in every subnet of its VPC";

function protocolName(value: unknown): string {
  const text = String(value ?? "all").toLowerCase();
  return PROTOCOLS[text] ?? text;
}

/** Who references whom across the app, and the subnets each resource references. */
interface ReferenceIndex {
  readonly referrers: ReadonlyMap<string, ReadonlySet<string>>;
  readonly subnetsOf: ReadonlyMap<string, readonly string[]>;
}

/** Indexes the references of every resource except security groups and their rules. */
function indexReferences(context: ModelContext, output: SynthOutput): ReferenceIndex {
  const referrers = new Map<string, Set<string>>();
  const subnetsOf = new Map<string, string[]>();
  for (const [stack, json] of output.stacks) {
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      if (SG_RULE_TYPES.has(type) || SG_TYPES.includes(type)) {
        continue;
      }
      for (const [name, config] of Object.entries(byName)) {
        const self = addressKey({ stack, type, name });
        const subnets: string[] = [];
        for (const text of stringsIn(config)) {
          const resolution = text.startsWith("${") && parseReference(text) !== undefined ? context.refs.resolve(stack, text) : undefined;
          if (resolution === undefined || !resolution.ok) {
            continue;
          }
          const target = addressKey(resolution.ref);
          if (resolution.ref.type === "aws_subnet") {
            subnets.push(target);
          }
          referrers.set(target, (referrers.get(target) ?? new Set()).add(self));
        }
        subnetsOf.set(self, subnets);
      }
    }
  }
  return { referrers, subnetsOf };
}

/** Rules of every group, from rule resources and inline blocks, by group key. */
function collectRules(context: ModelContext): Map<string, SgRule[]> {
  const { refs, keyOf } = context;
  const groupRules = new Map<string, SgRule[]>();
  const sgKey = (stack: string, value: unknown) => keyOf(stack, value, SG_TYPES);
  const ruleFrom = (label: string, direction: "ingress" | "egress", stack: string, spec: Block, selfKey?: string): SgRule => {
    const protocol = protocolName(spec.ip_protocol ?? spec.protocol);
    const all = protocol === "all";
    const groups = [spec.referenced_security_group_id, spec.source_security_group_id, ...list(spec.security_groups)]
      .filter((id) => id !== undefined && id !== null)
      .map((id) => sgKey(stack, id) ?? `unresolved:${String(id)}`);
    if ((spec.self === true || spec.self === "true") && selfKey !== undefined) {
      groups.push(selfKey);
    }
    return {
      label,
      direction,
      protocol,
      fromPort: all ? 0 : Number(spec.from_port ?? 0),
      toPort: all ? 65535 : Number(spec.to_port ?? 65535),
      cidrs: [spec.cidr_ipv4, ...list(spec.cidr_blocks)].map(toBlock).filter((b): b is Ipv4Block => b !== undefined),
      ipv6Cidrs: [spec.cidr_ipv6, ...list(spec.ipv6_cidr_blocks)].filter((c): c is string => typeof c === "string"),
      prefixLists: [spec.prefix_list_id, ...list(spec.prefix_list_ids)].filter((p): p is string => typeof p === "string"),
      groups,
    };
  };
  const addRule = (group: string | undefined, rule: SgRule) => {
    if (group !== undefined) {
      groupRules.set(group, [...(groupRules.get(group) ?? []), rule]);
    }
  };
  for (const [type, direction] of [
    ["aws_vpc_security_group_ingress_rule", "ingress"],
    ["aws_vpc_security_group_egress_rule", "egress"],
  ] as const) {
    for (const { address, config } of refs.resources(type)) {
      addRule(sgKey(address.stack, config.security_group_id), ruleFrom(addressKey(address), direction, address.stack, config));
    }
  }
  for (const { address, config } of refs.resources("aws_security_group_rule")) {
    const group = sgKey(address.stack, config.security_group_id);
    addRule(group, ruleFrom(addressKey(address), config.type === "egress" ? "egress" : "ingress", address.stack, config, group));
  }
  for (const type of SG_TYPES) {
    for (const { address, config } of refs.resources(type)) {
      const key = addressKey(address);
      for (const direction of ["ingress", "egress"] as const) {
        blocks(config[direction]).forEach((spec, index) => addRule(key, ruleFrom(`${key} ${direction} block ${index + 1}`, direction, address.stack, spec, key)));
      }
    }
  }
  return groupRules;
}

/**
 * Security groups with their rules, placed in the subnets of the resources that use them, or
 * of those resources' users (a launch template's Auto Scaling group), or else in every subnet
 * of their VPC (with a note).
 */
export function buildSecurityGroups(context: ModelContext, output: SynthOutput, subnets: ReadonlyMap<string, SubnetNode>): Map<string, SecurityGroupNode> {
  const { referrers, subnetsOf } = indexReferences(context, output);
  const rules = collectRules(context);
  const subnetsOfAll = (users: readonly string[]) => users.flatMap((user) => subnetsOf.get(user) ?? []);
  const securityGroups = new Map<string, SecurityGroupNode>();
  for (const type of SG_TYPES) {
    for (const { address, config } of context.refs.resources(type)) {
      const key = addressKey(address);
      const vpc = context.keyOf(address.stack, config.vpc_id, ["aws_vpc"]);
      const role = (config.tags as Record<string, unknown> | undefined)?.[FLOW_ROLE_TAG];
      const users = [...(referrers.get(key) ?? [])];
      let placed = subnetsOfAll(users);
      if (placed.length === 0) {
        placed = subnetsOfAll(users.flatMap((user) => [...(referrers.get(user) ?? [])]));
      }
      const assumed = placed.length === 0;
      if (assumed) {
        placed = [...subnets.values()].filter((subnet) => vpc !== undefined && subnet.vpc === vpc).map((subnet) => subnet.key);
      }
      securityGroups.set(key, {
        key,
        region: context.regionOf(address.stack),
        vpc,
        role: typeof role === "string" ? role : undefined,
        rules: rules.get(key) ?? [],
        subnets: [...new Set(placed)].sort(),
        placementNote: assumed ? PLACEMENT_ASSUMED : undefined,
      });
    }
  }
  return securityGroups;
}

/** Load balancers with their security groups and listeners (the exposure check needs them). */
export function buildLoadBalancers(context: ModelContext): Map<string, LoadBalancerNode> {
  const { refs, keyOf } = context;
  const loadBalancers = new Map<string, { key: string; internal: boolean; securityGroups: string[]; listeners: { protocol: string; port: number }[] }>();
  for (const type of ["aws_lb", "aws_alb"]) {
    for (const { address, config } of refs.resources(type)) {
      loadBalancers.set(addressKey(address), {
        key: addressKey(address),
        internal: config.internal === true || config.internal === "true",
        securityGroups: list(config.security_groups)
          .map((id) => keyOf(address.stack, id, SG_TYPES))
          .filter((group): group is string => group !== undefined),
        listeners: [],
      });
    }
  }
  for (const type of ["aws_lb_listener", "aws_alb_listener"]) {
    for (const { address, config } of refs.resources(type)) {
      loadBalancers.get(keyOf(address.stack, config.load_balancer_arn, ["aws_lb", "aws_alb"]) ?? "")?.listeners.push({
        protocol: String(config.protocol ?? "HTTP"),
        port: Number(config.port),
      });
    }
  }
  return loadBalancers;
}
