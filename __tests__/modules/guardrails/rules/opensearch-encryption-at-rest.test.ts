import { opensearchEncryptionAtRest } from "../../../../modules/guardrails/rules/opensearch-encryption-at-rest";
import { check, opensearchDomain } from "../fixtures";

describe("OPENSEARCH-ENCRYPTION-AT-REST", () => {
  test("compliant when encrypt_at_rest is enabled", () => {
    expect(check(opensearchEncryptionAtRest, [opensearchDomain()]).status).toBe("compliant");
  });

  test("non-compliant when disabled or unset", () => {
    expect(check(opensearchEncryptionAtRest, [opensearchDomain({ encrypt_at_rest: { enabled: false } })])).toEqual({
      status: "non-compliant",
      problem: "encrypt_at_rest.enabled is unset or false",
    });
    expect(check(opensearchEncryptionAtRest, [opensearchDomain({ encrypt_at_rest: undefined })]).status).toBe("non-compliant");
  });
});
