import { awsServiceLinkedRoles } from "../../../../modules/guardrails/rules/aws-service-linked-roles";
import { check, resource } from "../fixtures";

describe("AWS-SERVICE-LINKED-ROLES", () => {
  test("compliant: a type that needs a role names it (the bootstrap ensures it), a type that needs none says why", () => {
    expect(check(awsServiceLinkedRoles, [resource("aws_opensearch_domain", "d", {})])).toEqual({
      status: "compliant",
      note: "needs AWSServiceRoleForAmazonOpenSearchService (npm run bootstrap)",
    });
    expect(check(awsServiceLinkedRoles, [resource("aws_ecr_pull_through_cache_rule", "c", {})])).toMatchObject({ note: expect.stringContaining("AWSServiceRoleForECRPullThroughCache") });
    expect(check(awsServiceLinkedRoles, [resource("aws_lambda_function", "f", {})])).toMatchObject({ status: "compliant", note: expect.stringContaining("execution role") });
  });

  test("non-compliant on today's createServiceLinkedRole: true (an account-wide role in a topology's state)", () => {
    const role = resource("aws_iam_service_linked_role", "service-linked-role", { aws_service_name: "opensearchservice.amazonaws.com" });
    expect(check(awsServiceLinkedRoles, [role])).toMatchObject({ status: "non-compliant", problem: expect.stringContaining("npm run bootstrap ensures it instead") });
  });

  test("non-compliant for a resource type nobody classified", () => {
    expect(check(awsServiceLinkedRoles, [resource("aws_rds_cluster", "db", {})])).toMatchObject({ status: "non-compliant", problem: expect.stringContaining("not classified") });
  });
});
