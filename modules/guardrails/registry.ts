/** Every guardrail rule, and lookups by id and by Terraform type. */
import { GuardrailRule } from "./types";
import { ec2EbsEncrypted } from "./rules/ec2-ebs-encrypted";
import { ec2Imdsv2 } from "./rules/ec2-imdsv2";
import { ec2NoPublicIp } from "./rules/ec2-no-public-ip";
import { iamNoFullAccessManaged } from "./rules/iam-no-full-access-managed";
import { iamNoWildcardAction } from "./rules/iam-no-wildcard-action";
import { iamNoWildcardResource } from "./rules/iam-no-wildcard-resource";
import { lbHttpsOnly } from "./rules/lb-https-only";
import { lbInternal } from "./rules/lb-internal";
import { logsRetention } from "./rules/logs-retention";
import { opensearchEncryptionAtRest } from "./rules/opensearch-encryption-at-rest";
import { opensearchHttpsTls12 } from "./rules/opensearch-https-tls12";
import { opensearchInVpc } from "./rules/opensearch-in-vpc";
import { opensearchNoOpenAccess } from "./rules/opensearch-no-open-access";
import { opensearchNodeToNodeEncryption } from "./rules/opensearch-node-to-node-encryption";
import { s3Encryption } from "./rules/s3-encryption";
import { s3PublicAccessBlock } from "./rules/s3-public-access-block";
import { s3StateVersioning } from "./rules/s3-state-versioning";
import { s3TlsOnly } from "./rules/s3-tls-only";
import { sagemakerKms } from "./rules/sagemaker-kms";
import { sagemakerNoDirectInternet } from "./rules/sagemaker-no-direct-internet";
import { sagemakerNoRootAccess } from "./rules/sagemaker-no-root-access";
import { sgNoOpenIngress } from "./rules/sg-no-open-ingress";
import { vpcFlowLogs } from "./rules/vpc-flow-logs";

/** The rules, in report order. */
export const RULES: readonly GuardrailRule[] = [
  s3Encryption,
  s3PublicAccessBlock,
  s3TlsOnly,
  s3StateVersioning,
  ec2Imdsv2,
  ec2EbsEncrypted,
  ec2NoPublicIp,
  sgNoOpenIngress,
  lbInternal,
  lbHttpsOnly,
  vpcFlowLogs,
  opensearchInVpc,
  opensearchEncryptionAtRest,
  opensearchNodeToNodeEncryption,
  opensearchHttpsTls12,
  opensearchNoOpenAccess,
  sagemakerNoDirectInternet,
  sagemakerNoRootAccess,
  sagemakerKms,
  iamNoWildcardAction,
  iamNoWildcardResource,
  iamNoFullAccessManaged,
  logsRetention,
];

/** Rule ids, for validating suppressions. */
export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

/** Rules by the Terraform type they check (a type absent here is never resolved by the aspect). */
export function rulesByType(rules: readonly GuardrailRule[] = RULES): ReadonlyMap<string, readonly GuardrailRule[]> {
  const byType = new Map<string, GuardrailRule[]>();
  for (const rule of rules) {
    for (const type of rule.resourceTypes) {
      byType.set(type, [...(byType.get(type) ?? []), rule]);
    }
  }
  return byType;
}
