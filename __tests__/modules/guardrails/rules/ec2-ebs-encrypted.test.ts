import { ec2EbsEncrypted } from "../../../../modules/guardrails/rules/ec2-ebs-encrypted";
import { check, resource } from "../fixtures";

const mapping = (encrypted: string) => ({ device_name: "/dev/xvda", ebs: { volume_size: 40, volume_type: "gp3", encrypted } });

describe("EC2-EBS-ENCRYPTED", () => {
  test("compliant with encrypted launch template devices and instance root volumes", () => {
    expect(check(ec2EbsEncrypted, [resource("aws_launch_template", "lt", { block_device_mappings: [mapping("true")] })]).status).toBe("compliant");
    expect(check(ec2EbsEncrypted, [resource("aws_instance", "host", { root_block_device: { encrypted: true } })]).status).toBe("compliant");
    expect(check(ec2EbsEncrypted, [resource("aws_ebs_volume", "data", { encrypted: true })]).status).toBe("compliant");
  });

  test("compliant for a template without devices when the stack encrypts EBS by default", () => {
    const result = check(ec2EbsEncrypted, [resource("aws_launch_template", "lt", {}), resource("aws_ebs_encryption_by_default", "on", { enabled: true })]);
    expect(result).toEqual({ status: "compliant", note: "EBS encryption by default in this stack" });
  });

  test("non-compliant with an unencrypted device, naming it", () => {
    expect(check(ec2EbsEncrypted, [resource("aws_launch_template", "lt", { block_device_mappings: [mapping("false")] })])).toEqual({
      status: "non-compliant",
      problem: "block device /dev/xvda is not encrypted (ebs.encrypted unset or false)",
    });
    expect(check(ec2EbsEncrypted, [resource("aws_instance", "host", { root_block_device: { volume_size: 30 } })])).toEqual({
      status: "non-compliant",
      problem: "root_block_device not encrypted",
    });
  });

  test("non-compliant for an instance that declares no root volume and no encrypting template", () => {
    expect(check(ec2EbsEncrypted, [resource("aws_instance", "host", {})]).status).toBe("non-compliant");
  });
});
