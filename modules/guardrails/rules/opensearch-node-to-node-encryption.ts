import { block, isTrue } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** OpenSearch: traffic between nodes is encrypted. */
export const opensearchNodeToNodeEncryption: GuardrailRule = {
  id: "OPENSEARCH-NODE-TO-NODE-ENCRYPTION",
  description: "Every OpenSearch domain encrypts traffic between its nodes (node_to_node_encryption.enabled = true).",
  resourceTypes: ["aws_opensearch_domain"],
  fix: "Set node_to_node_encryption { enabled = true }.",
  check(domain) {
    return isTrue(block(domain.config.node_to_node_encryption)?.enabled) ? compliant() : nonCompliant("node_to_node_encryption.enabled is unset or false");
  },
};
