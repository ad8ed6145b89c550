import { ec2Imdsv2 } from "../../../../modules/guardrails/rules/ec2-imdsv2";
import { check, resource } from "../fixtures";

const REQUIRED = { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 };
const template = (metadata?: Record<string, unknown>) => resource("aws_launch_template", "lt", metadata ? { metadata_options: metadata } : {});

describe("EC2-IMDSV2", () => {
  test("compliant when launch templates and instances require tokens", () => {
    expect(check(ec2Imdsv2, [template(REQUIRED)]).status).toBe("compliant");
    expect(check(ec2Imdsv2, [resource("aws_instance", "host", { metadata_options: REQUIRED })]).status).toBe("compliant");
  });

  test("compliant for an instance without metadata options whose launch template requires tokens", () => {
    const instance = resource("aws_instance", "host", { launch_template: { id: "${aws_launch_template.lt.id}", version: "$Latest" } });
    expect(check(ec2Imdsv2, [instance, template(REQUIRED)])).toEqual({ status: "compliant", note: "IMDSv2 required by aws_launch_template.lt" });
  });

  test("non-compliant when tokens are optional or unset", () => {
    expect(check(ec2Imdsv2, [template({ http_tokens: "optional" })])).toEqual({
      status: "non-compliant",
      problem: 'metadata_options.http_tokens is "optional" (IMDSv1 allowed)',
    });
    expect(check(ec2Imdsv2, [resource("aws_instance", "host", {})])).toEqual({
      status: "non-compliant",
      problem: "metadata_options.http_tokens is unset (IMDSv1 allowed)",
    });
  });
});
