import { block, isTrue, show } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** TLS security policies of OpenSearch endpoints that refuse TLS 1.0 and 1.1. */
export const TLS12_POLICIES = ["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"] as const;

/** OpenSearch: the endpoint accepts HTTPS only, with TLS 1.2 or later. */
export const opensearchHttpsTls12: GuardrailRule = {
  id: "OPENSEARCH-HTTPS-TLS12",
  description: "Every OpenSearch domain enforces HTTPS with a TLS 1.2+ security policy.",
  resourceTypes: ["aws_opensearch_domain"],
  fix: `Set domain_endpoint_options { enforce_https = true, tls_security_policy = "${TLS12_POLICIES[1]}" }.`,
  check(domain) {
    const options = block(domain.config.domain_endpoint_options);
    const problems: string[] = [];
    if (!isTrue(options?.enforce_https)) {
      problems.push(`domain_endpoint_options.enforce_https is ${show(options?.enforce_https)}`);
    }
    const policy = options?.tls_security_policy;
    if (typeof policy !== "string" || !(TLS12_POLICIES as readonly string[]).includes(policy)) {
      problems.push(`tls_security_policy is ${show(policy)}; allowed: ${TLS12_POLICIES.join(", ")}`);
    }
    return problems.length === 0 ? compliant() : nonCompliant(problems.join("; "));
  },
};
