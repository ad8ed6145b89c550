import { ec2NoPublicIp } from "../../../../modules/guardrails/rules/ec2-no-public-ip";
import { check, resource } from "../fixtures";

describe("EC2-NO-PUBLIC-IP", () => {
  test("compliant when public addresses are switched off", () => {
    expect(check(ec2NoPublicIp, [resource("aws_launch_template", "lt", { network_interfaces: [{ associate_public_ip_address: "false" }] })]).status).toBe("compliant");
    expect(check(ec2NoPublicIp, [resource("aws_instance", "host", { associate_public_ip_address: false })]).status).toBe("compliant");
    expect(check(ec2NoPublicIp, [resource("aws_ecs_service", "svc", { network_configuration: { assign_public_ip: false } })]).status).toBe("compliant");
    expect(check(ec2NoPublicIp, [resource("aws_subnet", "private", { map_public_ip_on_launch: false })]).status).toBe("compliant");
  });

  test("non-compliant for each way of getting a public address", () => {
    expect(check(ec2NoPublicIp, [resource("aws_launch_template", "lt", { network_interfaces: [{ device_index: 0, associate_public_ip_address: "true" }] })])).toEqual({
      status: "non-compliant",
      problem: "network interface 0 sets associate_public_ip_address = true",
    });
    expect(check(ec2NoPublicIp, [resource("aws_instance", "host", { associate_public_ip_address: true })]).status).toBe("non-compliant");
    expect(check(ec2NoPublicIp, [resource("aws_ecs_service", "svc", { network_configuration: { assign_public_ip: true } })])).toEqual({
      status: "non-compliant",
      problem: "sets network_configuration.assign_public_ip = true",
    });
    expect(check(ec2NoPublicIp, [resource("aws_subnet", "public", { map_public_ip_on_launch: true })]).status).toBe("non-compliant");
  });
});
