import { opensearchHttpsTls12 } from "../../../../modules/guardrails/rules/opensearch-https-tls12";
import { check, opensearchDomain } from "../fixtures";

describe("OPENSEARCH-HTTPS-TLS12", () => {
  test.each(["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"])("compliant with enforce_https and %s", (policy) => {
    expect(check(opensearchHttpsTls12, [opensearchDomain({ domain_endpoint_options: { enforce_https: true, tls_security_policy: policy } })]).status).toBe("compliant");
  });

  test("non-compliant with HTTP allowed and a TLS 1.0 policy, naming both", () => {
    const result = check(opensearchHttpsTls12, [opensearchDomain({ domain_endpoint_options: { enforce_https: false, tls_security_policy: "Policy-Min-TLS-1-0-2019-07" } })]);
    expect(result).toEqual({
      status: "non-compliant",
      problem:
        'domain_endpoint_options.enforce_https is false; tls_security_policy is "Policy-Min-TLS-1-0-2019-07"; allowed: Policy-Min-TLS-1-2-2019-07, Policy-Min-TLS-1-2-PFS-2023-10',
    });
  });
});
