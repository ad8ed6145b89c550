import { block, blocks, isTrue, referencedResource } from "../config";
import { compliant, GuardrailRule, nonCompliant, ResourceView, RuleResult, StackView } from "../types";

/** True when the stack turns on EBS encryption by default for the account and Region. */
function encryptedByDefault(stack: StackView): boolean {
  return stack.resources("aws_ebs_encryption_by_default").some((setting) => setting.config.enabled !== false && setting.config.enabled !== "false");
}

function checkLaunchTemplate(template: ResourceView, stack: StackView): RuleResult {
  const devices = blocks(template.config.block_device_mappings).filter((mapping) => block(mapping.ebs) !== undefined);
  if (devices.length === 0) {
    return encryptedByDefault(stack)
      ? compliant("EBS encryption by default in this stack")
      : nonCompliant("declares no EBS block device, so the root volume keeps the AMI's settings (unencrypted unless the account encrypts by default)");
  }
  const plain = devices.filter((mapping) => !isTrue(block(mapping.ebs)?.encrypted)).map((mapping) => String(mapping.device_name));
  return plain.length === 0 ? compliant() : nonCompliant(`block device ${plain.join(", ")} is not encrypted (ebs.encrypted unset or false)`);
}

function checkInstance(instance: ResourceView, stack: StackView): RuleResult {
  const plain = blocks(instance.config.ebs_block_device)
    .filter((device) => !isTrue(device.encrypted))
    .map((device) => `ebs_block_device ${String(device.device_name)}`);
  const root = block(instance.config.root_block_device);
  if (root !== undefined && !isTrue(root.encrypted)) {
    plain.unshift("root_block_device");
  }
  if (plain.length > 0) {
    return nonCompliant(`${plain.join(", ")} not encrypted`);
  }
  if (root !== undefined) {
    return compliant();
  }
  const template = block(instance.config.launch_template);
  const source = referencedResource(stack, template?.id ?? template?.name, ["aws_launch_template"]);
  if (source !== undefined && checkLaunchTemplate(source, stack).status === "compliant") {
    return compliant(`root volume encrypted by ${source.address}`);
  }
  return encryptedByDefault(stack)
    ? compliant("EBS encryption by default in this stack")
    : nonCompliant("declares no root_block_device (and no launch template in this stack encrypts it)");
}

/** Compute: every EBS volume is encrypted. */
export const ec2EbsEncrypted: GuardrailRule = {
  id: "EC2-EBS-ENCRYPTED",
  description: "EBS volumes are encrypted: launch template block devices, instance root and EBS block devices, standalone volumes.",
  resourceTypes: ["aws_launch_template", "aws_instance", "aws_ebs_volume"],
  fix: 'Declare every volume with encrypted = true (launch templates: block_device_mappings { ebs { encrypted = "true" } }; instances: root_block_device { encrypted = true }).',
  check(resource, { stack }) {
    switch (resource.type) {
      case "aws_launch_template":
        return checkLaunchTemplate(resource, stack);
      case "aws_instance":
        return checkInstance(resource, stack);
      default:
        return isTrue(resource.config.encrypted) ? compliant() : nonCompliant("encrypted is unset or false");
    }
  },
};
