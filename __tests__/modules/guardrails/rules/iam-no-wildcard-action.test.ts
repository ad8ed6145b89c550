import { iamNoWildcardAction } from "../../../../modules/guardrails/rules/iam-no-wildcard-action";
import { check, dataSource, jsonencode, resource } from "../fixtures";

const rolePolicy = (statement: string) =>
  resource("aws_iam_role_policy", "policy", { role: "${aws_iam_role.r.id}", policy: jsonencode(`{"Version" = "2012-10-17", "Statement" = [${statement}]}`) });

describe("IAM-NO-WILDCARD-ACTION", () => {
  test("compliant with named actions and verb prefixes", () => {
    expect(check(iamNoWildcardAction, [rolePolicy('{"Effect" = "Allow", "Action" = ["s3:GetObject", "s3:List*"], "Resource" = "arn:aws:s3:::b/*"}')]).status).toBe("compliant");
  });

  test('non-compliant for "*", "<service>:*" and NotAction in Allow statements', () => {
    expect(check(iamNoWildcardAction, [rolePolicy('{"Sid" = "All", "Effect" = "Allow", "Action" = "s3:*", "Resource" = "*"}')])).toEqual({
      status: "non-compliant",
      problem: 'policy statement 1 (Sid All) allows "s3:*"',
    });
    expect(check(iamNoWildcardAction, [rolePolicy('{"Effect" = "Allow", "NotAction" = "iam:*", "Resource" = "*"}')]).status).toBe("non-compliant");
  });

  test('a Deny of "*" is fine', () => {
    expect(check(iamNoWildcardAction, [rolePolicy('{"Effect" = "Deny", "Action" = "*", "Resource" = "*"}')]).status).toBe("compliant");
  });

  test("reads inline role policies and aws_iam_policy_document data sources", () => {
    const role = resource("aws_iam_role", "r", { inline_policy: [{ name: "inline", policy: "${data.aws_iam_policy_document.doc.json}" }] });
    const document = dataSource("aws_iam_policy_document", "doc", { statement: [{ effect: "Allow", actions: ["*"], resources: ["*"] }] });
    expect(check(iamNoWildcardAction, [role, document])).toEqual({ status: "non-compliant", problem: 'inline_policy inline statement 1 allows "*"' });
  });

  test("non-compliant when the policy cannot be read at synth time; not applicable to roles without inline policies", () => {
    const opaque = resource("aws_iam_policy", "p", { policy: "${file(\"policy.json\")}" });
    expect(check(iamNoWildcardAction, [opaque]).status).toBe("non-compliant");
    expect(check(iamNoWildcardAction, [resource("aws_iam_role", "r", { assume_role_policy: "{}" })]).status).toBe("not-applicable");
  });
});
