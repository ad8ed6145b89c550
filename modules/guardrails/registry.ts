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
import { awsNames } from "./rules/aws-names";
import { awsServiceLinkedRoles } from "./rules/aws-service-linked-roles";
import { endOfSupport } from "./rules/end-of-support";
import { iamBeforeUse } from "./rules/iam-before-use";
import { lbAccessLogsSseS3 } from "./rules/lb-access-logs-sse-s3";
import { sfnSdkParameters } from "./rules/sfn-sdk-parameters";
import { snsServicePublisherCmk } from "./rules/sns-service-publisher-cmk";

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
  // AWS's own constraints (issue 12): what AWS rejects or breaks at deploy or run time.
  awsNames,
  awsServiceLinkedRoles,
  snsServicePublisherCmk,
  lbAccessLogsSseS3,
  iamBeforeUse,
  endOfSupport,
  sfnSdkParameters,
];

/**
 * Rules whose violations are warnings, not synth errors, while the product catches up with
 * them (the fixes of issue 12 part 4). Empty once every finding is fixed.
 */
export const REPORT_ONLY_RULES: readonly string[] = [];

/** Rule ids, for validating suppressions. */
export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

/** Rules by the Terraform type they check (`"*"` holds the rules of every type; a type absent here and without `"*"` rules is never resolved by the aspect). */
export function rulesByType(rules: readonly GuardrailRule[] = RULES): ReadonlyMap<string, readonly GuardrailRule[]> {
  const byType = new Map<string, GuardrailRule[]>();
  for (const rule of rules) {
    for (const type of rule.resourceTypes) {
      byType.set(type, [...(byType.get(type) ?? []), rule]);
    }
  }
  return byType;
}
