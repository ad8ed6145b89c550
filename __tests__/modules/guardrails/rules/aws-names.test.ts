import { awsNames } from "../../../../modules/guardrails/rules/aws-names";
import { check, resource } from "../fixtures";

describe("AWS-NAMES", () => {
  test("compliant with names AWS accepts (the default topology's)", () => {
    expect(check(awsNames, [resource("aws_iam_role", "r", { name: "proximate-us-east-1-catalog-refresh" })])).toEqual({ status: "compliant", note: "name" });
    expect(check(awsNames, [resource("aws_lb", "lb", { name: "proximate-eu-west-2-dash" })]).status).toBe("compliant");
    expect(check(awsNames, [resource("aws_s3_bucket", "b", { bucket_prefix: "proximate-eu-west-2-notebook-" })]).status).toBe("compliant");
  });

  test("non-compliant on today's security group descriptions with an apostrophe (EC2 refuses them)", () => {
    const sg = resource("aws_security_group", "sg", { name: "proximate-eu-west-2-catalog", description: "Catalog domain: HTTPS from the notebook and the indexers' Regions" });
    const result = check(awsNames, [sg]);
    expect(result.status).toBe("non-compliant");
    expect(result).toMatchObject({ problem: expect.stringContaining("description \"Catalog domain") });
    const rule = resource("aws_vpc_security_group_egress_rule", "r", { description: "To the scheduler's dashboard" });
    expect(check(awsNames, [rule]).status).toBe("non-compliant");
  });

  test.each([
    ["aws_iam_role", "name", "x".repeat(65), /65 characters, more than the 64/],
    ["aws_lambda_function", "function_name", "f".repeat(65), /more than the 64/],
    ["aws_lb", "name", "a".repeat(33), /more than the 32/],
    ["aws_lb", "name", "internal-dash", /begins with "internal-"/],
    ["aws_lb_target_group", "name", "dash-", /ends with a hyphen/],
    ["aws_opensearch_domain", "domain_name", "a-very-long-catalog-domain-name", /more than the 28/],
    ["aws_opensearch_domain", "domain_name", "Catalog", /pattern/],
    ["aws_sfn_state_machine", "name", "m".repeat(81), /more than the 80/],
    ["aws_scheduler_schedule", "name", "s".repeat(65), /more than the 64/],
    ["aws_sagemaker_notebook_instance", "name", "n".repeat(64), /more than the 63/],
    ["aws_s3_bucket", "bucket_prefix", "b".repeat(38), /Terraform's 26-character suffix the name has 64, more than the 63 AWS allows \(37 for a prefix\)/],
    ["aws_launch_template", "name_prefix", "l".repeat(103), /more than the 128/],
    ["aws_ecs_capacity_provider", "name", "ecs-workers", /starts with "aws", "ecs" or "fargate"/],
    ["aws_security_group", "name", "sg-workers", /starts with "sg-"/],
  ])("non-compliant: %s.%s %j", (type, attribute, value, says) => {
    const result = check(awsNames, [resource(type, "x", { [attribute]: value })]);
    expect(result.status).toBe("non-compliant");
    expect(result).toMatchObject({ problem: expect.stringMatching(says) });
  });

  test("names only known at apply time are not judged", () => {
    expect(check(awsNames, [resource("aws_iam_role", "r", { name: "${var.name}" })]).status).toBe("not-applicable");
  });
});
