import { iamNoFullAccessManaged } from "../../../../modules/guardrails/rules/iam-no-full-access-managed";
import { check, resource } from "../fixtures";

const attachment = (arn: string) => resource("aws_iam_role_policy_attachment", "a", { role: "${aws_iam_role.r.name}", policy_arn: arn });

describe("IAM-NO-FULL-ACCESS-MANAGED", () => {
  test("compliant for narrow AWS managed policies (the worker hosts' ECS and SSM policies)", () => {
    expect(check(iamNoFullAccessManaged, [attachment("arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")]).status).toBe("compliant");
    expect(check(iamNoFullAccessManaged, [attachment("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")]).status).toBe("compliant");
  });

  test.each(["arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws-us-gov:iam::aws:policy/job-function/AmazonOpenSearchServiceFullAccess"])(
    "non-compliant for %s",
    (arn) => {
      expect(check(iamNoFullAccessManaged, [attachment(arn)])).toEqual({ status: "non-compliant", problem: `attaches ${arn}` });
    },
  );

  test("checks a role's managed_policy_arns; not applicable to roles without", () => {
    const role = resource("aws_iam_role", "r", { managed_policy_arns: ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"] });
    expect(check(iamNoFullAccessManaged, [role]).status).toBe("non-compliant");
    expect(check(iamNoFullAccessManaged, [resource("aws_iam_role", "plain", {})]).status).toBe("not-applicable");
  });

  test("customer managed policies with FullAccess in their name are not AWS managed", () => {
    expect(check(iamNoFullAccessManaged, [attachment("arn:aws:iam::123456789012:policy/MyFullAccess")]).status).toBe("compliant");
  });
});
