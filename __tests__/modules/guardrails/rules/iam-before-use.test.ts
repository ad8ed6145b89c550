import { iamBeforeUse } from "../../../../modules/guardrails/rules/iam-before-use";
import { check, jsonencode, resource } from "../fixtures";

const REMOTE = "data.terraform_remote_state.cross-stack-reference-input-identity-eu-west-2.outputs.cross-stack-output-aws_iam_roleindexer-us-east-1";
const vpcAccess = resource("aws_iam_role_policy_attachment", "vpc-access", {
  role: `\${${REMOTE}name}`,
  policy_arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
});
const indexPolicy = resource("aws_iam_role_policy", "index", { role: `\${${REMOTE}id}`, policy: jsonencode('{"Statement" = [{"Effect" = "Allow", "Action" = ["s3:GetObject"], "Resource" = "*"}]}') });
const fn = (config: Record<string, unknown> = {}) =>
  resource("aws_lambda_function", "indexer", { role: `\${${REMOTE}arn}`, vpc_config: { subnet_ids: ["subnet-1"], security_group_ids: ["sg-1"] }, ...config });

describe("IAM-BEFORE-USE", () => {
  test("non-compliant on today's indexer: a VPC function created before its ENI permissions", () => {
    expect(check(iamBeforeUse, [fn(), vpcAccess, indexPolicy])).toMatchObject({
      status: "non-compliant",
      problem: expect.stringMatching(/without waiting for aws_iam_role_policy_attachment.vpc-access \(the policies of its role granting ec2:CreateNetworkInterface\)/),
    });
  });

  test("compliant when the function depends on the attachment (directly or through another resource)", () => {
    expect(check(iamBeforeUse, [fn({ depends_on: ["aws_iam_role_policy_attachment.vpc-access"] }), vpcAccess, indexPolicy]).status).toBe("compliant");
    const group = resource("aws_cloudwatch_log_group", "logs", { name: "x", depends_on: ["aws_iam_role_policy_attachment.vpc-access"] });
    expect(check(iamBeforeUse, [fn({ logging_config: { log_group: "${aws_cloudwatch_log_group.logs.name}" } }), vpcAccess, group]).status).toBe("compliant");
  });

  test("non-compliant on today's first run: the invocation waits only for its start permission", () => {
    const start = resource("aws_iam_role_policy", "start", { role: `\${${REMOTE}id}`, policy: jsonencode('{"Statement" = [{"Effect" = "Allow", "Action" = ["states:StartExecution"], "Resource" = "*"}]}') });
    const invocation = resource("aws_lambda_invocation", "first-run", { function_name: "${aws_lambda_function.indexer.function_name}", depends_on: ["aws_iam_role_policy.start"] });
    expect(check(iamBeforeUse, [invocation, fn(), vpcAccess, indexPolicy, start])).toMatchObject({
      status: "non-compliant",
      problem: expect.stringMatching(/aws_iam_role_policy.index, aws_iam_role_policy_attachment.vpc-access/),
    });
    const waiting = resource("aws_lambda_invocation", "first-run", {
      function_name: "${aws_lambda_function.indexer.function_name}",
      depends_on: ["aws_iam_role_policy.start", "aws_iam_role_policy.index", "aws_iam_role_policy_attachment.vpc-access"],
    });
    expect(check(iamBeforeUse, [waiting, fn(), vpcAccess, indexPolicy, start]).status).toBe("compliant");
  });

  test("non-compliant on today's state machine: logging checked before the role's log-delivery policy exists", () => {
    const role = resource("aws_iam_role", "machine", { name: "m" });
    const policy = resource("aws_iam_role_policy", "machine-policy", {
      role: "${aws_iam_role.machine.id}",
      policy: jsonencode('{"Statement" = [{"Effect" = "Allow", "Action" = ["logs:CreateLogDelivery"], "Resource" = "*"}]}'),
    });
    const machine = (extra: Record<string, unknown>) =>
      resource("aws_sfn_state_machine", "refresh", { role_arn: "${aws_iam_role.machine.arn}", logging_configuration: { log_destination: "${aws_cloudwatch_log_group.l.arn}:*", level: "ERROR" }, ...extra });
    expect(check(iamBeforeUse, [machine({}), role, policy]).status).toBe("non-compliant");
    expect(check(iamBeforeUse, [machine({ depends_on: ["aws_iam_role_policy.machine-policy"] }), role, policy]).status).toBe("compliant");
  });

  test("OpenSearch log publishing waits for the log resource policy; ALB access logs for the bucket policy", () => {
    const logPolicy = resource("aws_cloudwatch_log_resource_policy", "lp", {
      policy_document: jsonencode('{"Statement" = [{"Effect" = "Allow", "Principal" = {"Service" = "es.amazonaws.com"}, "Action" = ["logs:PutLogEvents"], "Resource" = "*"}]}'),
    });
    const domain = (extra: Record<string, unknown>) => resource("aws_opensearch_domain", "d", { log_publishing_options: [{ log_type: "ES_APPLICATION_LOGS", enabled: true }], ...extra });
    expect(check(iamBeforeUse, [domain({ depends_on: ["aws_cloudwatch_log_resource_policy.lp"] }), logPolicy]).status).toBe("compliant");
    expect(check(iamBeforeUse, [domain({}), logPolicy]).status).toBe("non-compliant");
    const bucket = resource("aws_s3_bucket", "logs", {});
    const bucketPolicy = resource("aws_s3_bucket_policy", "bp", { bucket: "${aws_s3_bucket.logs.id}" });
    const lb = (extra: Record<string, unknown>) => resource("aws_lb", "lb", { access_logs: { bucket: "${aws_s3_bucket.logs.id}", enabled: true }, ...extra });
    expect(check(iamBeforeUse, [lb({ depends_on: ["aws_s3_bucket_policy.bp"] }), bucket, bucketPolicy]).status).toBe("compliant");
    expect(check(iamBeforeUse, [lb({}), bucket, bucketPolicy]).status).toBe("non-compliant");
  });

  test("not applicable when no create-time check applies (a function outside a VPC)", () => {
    expect(check(iamBeforeUse, [resource("aws_lambda_function", "f", { role: "${aws_iam_role.r.arn}" })]).status).toBe("not-applicable");
  });
});
