import { block, isTrue } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** OpenSearch: data at rest is encrypted. */
export const opensearchEncryptionAtRest: GuardrailRule = {
  id: "OPENSEARCH-ENCRYPTION-AT-REST",
  description: "Every OpenSearch domain encrypts data at rest (encrypt_at_rest.enabled = true).",
  resourceTypes: ["aws_opensearch_domain"],
  fix: "Set encrypt_at_rest { enabled = true } (optionally kms_key_id).",
  check(domain) {
    return isTrue(block(domain.config.encrypt_at_rest)?.enabled) ? compliant() : nonCompliant("encrypt_at_rest.enabled is unset or false");
  },
};
