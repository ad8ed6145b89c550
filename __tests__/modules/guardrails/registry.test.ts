import { RULE_IDS, RULES, rulesByType } from "../../../modules/guardrails/registry";

describe("the rule registry", () => {
  test("rule ids are unique and upper-case", () => {
    expect(new Set(RULE_IDS).size).toBe(RULES.length);
    expect(RULE_IDS.every((id) => /^[A-Z0-9]+(-[A-Z0-9]+)+$/.test(id))).toBe(true);
  });

  test("covers the required controls on the types they apply to", () => {
    const byType = rulesByType();
    const ids = (type: string) => (byType.get(type) ?? []).map((rule) => rule.id);
    expect(ids("aws_s3_bucket")).toEqual(["S3-ENCRYPTION", "S3-PUBLIC-ACCESS-BLOCK", "S3-TLS-ONLY", "S3-STATE-VERSIONING", "AWS-NAMES"]);
    expect(ids("aws_launch_template")).toEqual(["EC2-IMDSV2", "EC2-EBS-ENCRYPTED", "EC2-NO-PUBLIC-IP", "AWS-NAMES", "END-OF-SUPPORT"]);
    expect(ids("aws_opensearch_domain")).toHaveLength(8);
    expect(ids("aws_sagemaker_notebook_instance")).toEqual(["SAGEMAKER-NO-DIRECT-INTERNET", "SAGEMAKER-NO-ROOT-ACCESS", "SAGEMAKER-KMS", "AWS-NAMES", "IAM-BEFORE-USE", "END-OF-SUPPORT"]);
    expect(ids("aws_iam_role")).toEqual(["IAM-NO-WILDCARD-ACTION", "IAM-NO-WILDCARD-RESOURCE", "IAM-NO-FULL-ACCESS-MANAGED", "AWS-NAMES"]);
    expect(ids("aws_cloudwatch_log_group")).toEqual(["LOGS-RETENTION", "AWS-NAMES"]);
    expect(ids("*")).toEqual(["AWS-SERVICE-LINKED-ROLES"]);
    expect(ids("aws_sfn_state_machine")).toEqual(["AWS-NAMES", "IAM-BEFORE-USE", "SFN-SDK-PARAMETERS"]);
  });
});
