import { describeStatement, hasCondition, isPublicPrincipal, readPolicyArgument } from "../policy";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** OpenSearch: the access policy names its principals (or conditions an open one). */
export const opensearchNoOpenAccess: GuardrailRule = {
  id: "OPENSEARCH-NO-OPEN-ACCESS",
  description: 'No OpenSearch access policy allows Principal "*" (or {"AWS": "*"}) without a Condition.',
  resourceTypes: ["aws_opensearch_domain", "aws_opensearch_domain_policy"],
  fix: 'Allow named role ARNs in Principal { AWS = [...] } (constructs/catalog-domain.ts does), or add a Condition that narrows a "*" principal.',
  check(resource, { stack }) {
    const document = resource.config.access_policies;
    if (document === undefined) {
      return compliant("no access policy on the domain resource");
    }
    const read = readPolicyArgument(document, stack);
    if ("error" in read) {
      return nonCompliant(`access_policies ${read.error}`);
    }
    const open = read.statements.filter(
      (s) => s.effect === "Allow" && (isPublicPrincipal(s.principal) || s.notPrincipal !== undefined) && !hasCondition(s),
    );
    return open.length === 0 ? compliant() : nonCompliant(`${describeStatement(open[0])} allows every principal without a Condition`);
  },
};
