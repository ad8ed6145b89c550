import { actionMatches, isReadOnlyAction, isWildcardAction } from "../../../modules/guardrails/actions";

describe("IAM action patterns", () => {
  test.each([
    ["ecr:GetAuthorizationToken", true],
    ["s3:List*", true],
    ["ecr:BatchCheckLayerAvailability", true],
    ["logs:CreateLogDelivery", false],
    ["s3:*", false],
    ["s3:*Object", false],
    ["s3:G*", false],
    ["*", false],
    ["ssm:GetParameter*", false],
    ["kms:Decrypt", false],
  ])("%s only reads: %s", (action, expected) => {
    expect(isReadOnlyAction(action)).toBe(expected);
  });

  test.each([["*", true], ["s3:*", true], ["s3:Get*", false], ["s3:GetObject", false]])("%s is a wildcard: %s", (action, expected) => {
    expect(isWildcardAction(action)).toBe(expected);
  });

  test("patterns match case-insensitively with * and ?", () => {
    expect(actionMatches("s3:get?bject", "s3:GetObject")).toBe(true);
    expect(actionMatches("s3:Get*", "s3:PutObject")).toBe(false);
  });
});
