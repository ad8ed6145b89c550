import { block, list } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** OpenSearch: domains live in a VPC, never on a public endpoint. */
export const opensearchInVpc: GuardrailRule = {
  id: "OPENSEARCH-IN-VPC",
  description: "Every OpenSearch domain is placed in a VPC (vpc_options.subnet_ids set).",
  resourceTypes: ["aws_opensearch_domain"],
  fix: "Set vpc_options { subnet_ids = [private subnets], security_group_ids = [the domain's group] } (constructs/catalog-domain.ts does).",
  check(domain) {
    const subnets = list(block(domain.config.vpc_options)?.subnet_ids);
    return subnets.length > 0 ? compliant() : nonCompliant("has no vpc_options.subnet_ids: the domain would get a public endpoint");
  },
};
