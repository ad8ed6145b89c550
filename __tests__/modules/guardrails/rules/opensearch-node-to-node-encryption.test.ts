import { opensearchNodeToNodeEncryption } from "../../../../modules/guardrails/rules/opensearch-node-to-node-encryption";
import { check, opensearchDomain } from "../fixtures";

describe("OPENSEARCH-NODE-TO-NODE-ENCRYPTION", () => {
  test("compliant when node-to-node encryption is enabled", () => {
    expect(check(opensearchNodeToNodeEncryption, [opensearchDomain()]).status).toBe("compliant");
  });

  test("non-compliant when disabled", () => {
    expect(check(opensearchNodeToNodeEncryption, [opensearchDomain({ node_to_node_encryption: { enabled: false } })])).toEqual({
      status: "non-compliant",
      problem: "node_to_node_encryption.enabled is unset or false",
    });
  });
});
