import { conditionsHold, evaluateCondition, parseOperator, requestContext } from "../../../modules/iam-proof/conditions";

describe("condition operators", () => {
  const context = requestContext({ "aws:SecureTransport": "true", "s3:prefix": "CMIP6/ScenarioMIP/MOHC/", "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a", "aws:TagKeys": ["a", "b"] });

  test.each([
    ["StringEquals", "s3:prefix", ["CMIP6/ScenarioMIP/MOHC/"], true],
    ["StringEquals", "S3:Prefix", ["CMIP6/ScenarioMIP/MOHC/"], true],
    ["StringLike", "s3:prefix", ["CMIP6/ScenarioMIP/MOHC", "CMIP6/ScenarioMIP/MOHC/*"], true],
    ["StringLike", "s3:prefix", ["CMIP6/Other/*"], false],
    ["StringNotLike", "s3:prefix", ["CMIP6/Other/*"], true],
    ["StringEqualsIgnoreCase", "s3:prefix", ["cmip6/scenariomip/mohc/"], true],
    ["Bool", "aws:SecureTransport", ["false"], false],
    ["Bool", "aws:SecureTransport", ["true"], true],
    ["ArnLike", "aws:SourceArn", ["arn:aws:cloudwatch:us-east-1:*:alarm:*"], true],
    ["ArnNotEquals", "aws:SourceArn", ["arn:aws:cloudwatch:us-east-1:*:alarm:*"], false],
    ["NumericLessThan", "s3:max-keys", ["10"], false],
    ["ForAnyValue:StringEquals", "aws:TagKeys", ["b", "c"], true],
    ["ForAllValues:StringEquals", "aws:TagKeys", ["b", "c"], false],
    ["ForAllValues:StringEquals", "aws:TagKeys", ["a", "b", "c"], true],
  ])("%s %s %j: %s", (operator, key, values, expected) => {
    expect(evaluateCondition(operator, key, values, context)).toBe(expected);
  });

  test("a key missing from the request: false, except negated operators, IfExists and Null", () => {
    expect(evaluateCondition("StringEquals", "kms:CallerAccount", ["123456789012"], context)).toBe(false);
    expect(evaluateCondition("StringNotEquals", "kms:CallerAccount", ["123456789012"], context)).toBe(true);
    expect(evaluateCondition("StringEqualsIfExists", "kms:CallerAccount", ["123456789012"], context)).toBe(true);
    expect(evaluateCondition("Null", "kms:CallerAccount", ["true"], context)).toBe(true);
    expect(evaluateCondition("Null", "s3:prefix", ["true"], context)).toBe(false);
    expect(evaluateCondition("ForAllValues:StringEquals", "kms:CallerAccount", ["x"], context)).toBe(true);
  });

  test("every operator and key of a block must hold", () => {
    expect(conditionsHold({ Bool: { "aws:SecureTransport": ["true"] }, StringLike: { "s3:prefix": ["CMIP6/*"] } }, context)).toBe(true);
    expect(conditionsHold({ Bool: { "aws:SecureTransport": ["true"] }, StringLike: { "s3:prefix": ["ERA5/*"] } }, context)).toBe(false);
    expect(conditionsHold(undefined, context)).toBe(true);
  });

  test("policy variables take request values", () => {
    expect(evaluateCondition("StringLike", "s3:prefix", ["${aws:PrincipalTag/team}/*"], requestContext({ "s3:prefix": "x/y", "aws:PrincipalTag/team": "x" }))).toBe(true);
  });

  test("operators AWS does not have (or the proof does not evaluate) are refused", () => {
    expect(parseOperator("StringEqualz")).toBeUndefined();
    expect(parseOperator("DateGreaterThan")).toBeUndefined();
    expect(parseOperator("ForAnyValue:Null")).toBeUndefined();
    expect(parseOperator("ArnLikeIfExists")).toEqual({ base: "ArnLike", ifExists: true });
    expect(() => evaluateCondition("IpAddress", "aws:SourceIp", ["10.0.0.0/8"], context)).toThrow("condition operator IpAddress is not one the proof evaluates");
  });
});
