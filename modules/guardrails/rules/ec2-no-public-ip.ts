import { block, blocks, isTrue } from "../config";
import { compliant, GuardrailRule, nonCompliant, ResourceView, RuleResult } from "../types";

const SUBNET_DECIDES = "no explicit setting: the subnet's map_public_ip_on_launch decides (subnets are checked by this rule)";

function check(resource: ResourceView): RuleResult {
  switch (resource.type) {
    case "aws_launch_template": {
      const interfaces = blocks(resource.config.network_interfaces);
      const public_ = interfaces.filter((ni) => isTrue(ni.associate_public_ip_address));
      if (public_.length > 0) {
        return nonCompliant(`network interface ${String(public_[0].device_index ?? 0)} sets associate_public_ip_address = true`);
      }
      return interfaces.some((ni) => ni.associate_public_ip_address !== undefined) ? compliant() : compliant(SUBNET_DECIDES);
    }
    case "aws_instance":
      if (isTrue(resource.config.associate_public_ip_address)) {
        return nonCompliant("sets associate_public_ip_address = true");
      }
      return resource.config.associate_public_ip_address === undefined ? compliant(SUBNET_DECIDES) : compliant();
    case "aws_ecs_service":
      return isTrue(block(resource.config.network_configuration)?.assign_public_ip)
        ? nonCompliant("sets network_configuration.assign_public_ip = true")
        : compliant();
    default:
      return isTrue(resource.config.map_public_ip_on_launch) ? nonCompliant("sets map_public_ip_on_launch = true") : compliant();
  }
}

/** Compute: nothing gets a public IP address. */
export const ec2NoPublicIp: GuardrailRule = {
  id: "EC2-NO-PUBLIC-IP",
  description: "No public IP addresses: launch template network interfaces, instances, ECS services (assign_public_ip) and subnets (map_public_ip_on_launch).",
  resourceTypes: ["aws_launch_template", "aws_instance", "aws_ecs_service", "aws_subnet"],
  fix: "Set associate_public_ip_address / assign_public_ip / map_public_ip_on_launch to false; reach the internet through the NAT gateway or VPC endpoints.",
  check,
};
