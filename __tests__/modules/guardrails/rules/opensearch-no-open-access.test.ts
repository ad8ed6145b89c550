import { opensearchNoOpenAccess } from "../../../../modules/guardrails/rules/opensearch-no-open-access";
import { check, jsonencode, opensearchDomain, resource } from "../fixtures";

const domainPolicy = (statement: string) =>
  resource("aws_opensearch_domain_policy", "access", {
    domain_name: "${aws_opensearch_domain.catalog.domain_name}",
    access_policies: jsonencode(`{"Version" = "2012-10-17", "Statement" = [${statement}]}`),
  });

describe("OPENSEARCH-NO-OPEN-ACCESS", () => {
  test("compliant when the policy names role principals (as constructs/catalog-domain.ts writes it)", () => {
    const named = domainPolicy(
      '{"Sid" = "NotebookAndIndexersOnly", "Effect" = "Allow", "Principal" = {"AWS" = [data.terraform_remote_state.identity.outputs.notebook]}, "Action" = ["es:ESHttpGet"], "Resource" = "${aws_opensearch_domain.catalog.arn}/*"}',
    );
    expect(check(opensearchNoOpenAccess, [named]).status).toBe("compliant");
  });

  test("compliant with a conditioned open principal, and for a domain without inline policy", () => {
    const conditioned = domainPolicy('{"Effect" = "Allow", "Principal" = "*", "Action" = "es:*", "Resource" = "*", "Condition" = {"IpAddress" = {"aws:SourceIp" = ["10.0.0.0/16"]}}}');
    expect(check(opensearchNoOpenAccess, [conditioned]).status).toBe("compliant");
    expect(check(opensearchNoOpenAccess, [opensearchDomain()])).toEqual({ status: "compliant", note: "no access policy on the domain resource" });
  });

  test('non-compliant for Principal "*" or {"AWS": "*"} without a Condition', () => {
    expect(check(opensearchNoOpenAccess, [domainPolicy('{"Effect" = "Allow", "Principal" = {"AWS" = "*"}, "Action" = "es:*", "Resource" = "*"}')])).toEqual({
      status: "non-compliant",
      problem: "statement 1 allows every principal without a Condition",
    });
    const inline = opensearchDomain({ access_policies: JSON.stringify({ Statement: [{ Sid: "Open", Effect: "Allow", Principal: "*", Action: "es:*", Resource: "*" }] }) });
    expect(check(opensearchNoOpenAccess, [inline])).toEqual({ status: "non-compliant", problem: "statement 1 (Sid Open) allows every principal without a Condition" });
  });
});
