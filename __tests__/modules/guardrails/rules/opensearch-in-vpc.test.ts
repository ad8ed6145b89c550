import { opensearchInVpc } from "../../../../modules/guardrails/rules/opensearch-in-vpc";
import { check, opensearchDomain } from "../fixtures";

describe("OPENSEARCH-IN-VPC", () => {
  test("compliant with vpc_options subnets", () => {
    expect(check(opensearchInVpc, [opensearchDomain()]).status).toBe("compliant");
  });

  test("non-compliant without vpc_options (a public endpoint)", () => {
    expect(check(opensearchInVpc, [opensearchDomain({ vpc_options: undefined })])).toEqual({
      status: "non-compliant",
      problem: "has no vpc_options.subnet_ids: the domain would get a public endpoint",
    });
  });
});
