import { iamNoWildcardResource } from "../../../../modules/guardrails/rules/iam-no-wildcard-resource";
import { check, jsonencode, resource } from "../fixtures";

const rolePolicy = (statements: string) =>
  resource("aws_iam_role_policy", "policy", { policy: jsonencode(`{"Version" = "2012-10-17", "Statement" = [${statements}]}`) });

describe("IAM-NO-WILDCARD-RESOURCE", () => {
  test('compliant for read-only actions on "*" (ecr:GetAuthorizationToken, as constructs/ecs-roles.ts writes it)', () => {
    const execution = rolePolicy(
      '{"Sid" = "EcrLogin", "Effect" = "Allow", "Action" = ["ecr:GetAuthorizationToken"], "Resource" = "*"}, ' +
        '{"Sid" = "Logs", "Effect" = "Allow", "Action" = ["logs:PutLogEvents"], "Resource" = "${aws_cloudwatch_log_group.logs.arn}:*"}',
    );
    expect(check(iamNoWildcardResource, [execution])).toEqual({ status: "compliant", note: 'read-only actions on "*": ecr:GetAuthorizationToken' });
  });

  test('non-compliant for write actions on "*", naming them', () => {
    const logs = rolePolicy('{"Sid" = "ExecutionLogs", "Effect" = "Allow", "Action" = ["logs:GetLogDelivery", "logs:CreateLogDelivery"], "Resource" = "*"}');
    expect(check(iamNoWildcardResource, [logs])).toEqual({
      status: "non-compliant",
      problem: "policy statement 1 (Sid ExecutionLogs) allows logs:CreateLogDelivery on every resource",
    });
  });

  test("secret-reading actions and verb wildcards that may write count as writes", () => {
    expect(check(iamNoWildcardResource, [rolePolicy('{"Effect" = "Allow", "Action" = "secretsmanager:GetSecretValue", "Resource" = "*"}')]).status).toBe("non-compliant");
    expect(check(iamNoWildcardResource, [rolePolicy('{"Effect" = "Allow", "Action" = "s3:*Object", "Resource" = "*"}')]).status).toBe("non-compliant");
    expect(check(iamNoWildcardResource, [rolePolicy('{"Effect" = "Allow", "Action" = "s3:Put*", "NotResource" = "arn:aws:s3:::b"}')]).status).toBe("non-compliant");
  });
});
