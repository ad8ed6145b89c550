import { list } from "../config";
import { readPolicyArgument, Statement } from "../policy";
import { parseReference, refersTo } from "../refs";
import { compliant, GuardrailRule, nonCompliant, notApplicable, ResourceView, StackView } from "../types";
import { actionMatches } from "../actions";

/**
 * AWS services that publish to an encrypted SNS topic (CloudWatch alarms, EventBridge) need a
 * customer managed key whose key policy lets the service principal use it: "the AWS managed key
 * for Amazon SNS ... cannot be modified" so they cannot publish to a topic under alias/aws/sns.
 * Doc: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
const PUBLISHERS: readonly { readonly type: string; readonly attributes: readonly string[]; readonly principal: string }[] = [
  { type: "aws_cloudwatch_metric_alarm", attributes: ["alarm_actions", "ok_actions", "insufficient_data_actions"], principal: "cloudwatch.amazonaws.com" },
  { type: "aws_cloudwatch_composite_alarm", attributes: ["alarm_actions", "ok_actions", "insufficient_data_actions"], principal: "cloudwatch.amazonaws.com" },
  { type: "aws_cloudwatch_event_target", attributes: ["arn"], principal: "events.amazonaws.com" },
];

const REQUIRED_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"];

function publishersOf(topic: ResourceView, stack: StackView): { readonly principal: string; readonly address: string }[] {
  const out: { principal: string; address: string }[] = [];
  for (const publisher of PUBLISHERS) {
    for (const candidate of stack.resources(publisher.type)) {
      if (publisher.attributes.some((attribute) => list(candidate.config[attribute]).some((value) => refersTo(value, topic, ["arn", "id"])))) {
        out.push({ principal: publisher.principal, address: candidate.address });
      }
    }
  }
  return out;
}

function admits(statement: Statement, principal: string): boolean {
  if (statement.effect !== "Allow") return false;
  const p = statement.principal;
  const services = p !== null && typeof p === "object" ? list((p as Record<string, unknown>).Service) : [];
  return services.includes(principal);
}

/** The key policy documents of a key in the stack: its `policy` argument and aws_kms_key_policy resources. */
function keyPolicies(key: ResourceView, stack: StackView): unknown[] {
  const documents: unknown[] = [];
  if (key.config.policy !== undefined) documents.push(key.config.policy);
  for (const policy of stack.resources("aws_kms_key_policy")) {
    if (refersTo(policy.config.key_id, key, ["id", "key_id", "arn"])) documents.push(policy.config.policy);
  }
  return documents;
}

export const snsServicePublisherCmk: GuardrailRule = {
  id: "SNS-SERVICE-PUBLISHER-CMK",
  description:
    "An encrypted SNS topic that CloudWatch alarms or EventBridge publish to uses a customer managed KMS key whose key policy lets the publishing service use it (kms:Decrypt, kms:GenerateDataKey*).",
  resourceTypes: ["aws_sns_topic"],
  fix: "Encrypt the topic with an aws_kms_key of the stack whose key policy allows the service principal (cloudwatch.amazonaws.com, events.amazonaws.com) kms:Decrypt and kms:GenerateDataKey*; the AWS managed alias/aws/sns cannot be given that permission.",
  check(topic, { stack }) {
    const publishers = publishersOf(topic, stack);
    const keyId = topic.config.kms_master_key_id;
    if (publishers.length === 0) {
      return notApplicable("no AWS service publishes to it in this stack");
    }
    if (keyId === undefined) {
      return compliant("not encrypted: services can publish");
    }
    if (typeof keyId === "string" && /^(arn:aws[a-z-]*:kms:[^:]*:[^:]*:)?alias\/aws\//.test(keyId)) {
      return nonCompliant(`is encrypted with the AWS managed key ${keyId}, which ${[...new Set(publishers.map((p) => p.principal))].join(" and ")} cannot use (${publishers.map((p) => p.address).join(", ")} publish to it)`);
    }
    const ref = parseReference(keyId);
    const key = ref !== undefined && !ref.data && ref.type === "aws_kms_key" ? stack.resources("aws_kms_key").find((k) => k.name === ref.name) : undefined;
    if (key === undefined) {
      return nonCompliant(`its key ${JSON.stringify(keyId)} is not a customer managed key of this stack, so its key policy cannot be checked`);
    }
    const statements: Statement[] = [];
    for (const document of keyPolicies(key, stack)) {
      const read = readPolicyArgument(document, stack);
      if ("error" in read) {
        return nonCompliant(`the key policy of ${key.address} ${read.error}`);
      }
      statements.push(...read.statements);
    }
    const missing: string[] = [];
    for (const principal of new Set(publishers.map((p) => p.principal))) {
      const granted = statements.filter((s) => admits(s, principal)).flatMap((s) => s.actions);
      for (const action of REQUIRED_ACTIONS) {
        if (!granted.some((pattern) => actionMatches(pattern, action))) {
          missing.push(`${principal} ${action}${action === "kms:GenerateDataKey" ? "*" : ""}`);
        }
      }
    }
    return missing.length > 0
      ? nonCompliant(`the key policy of ${key.address} does not allow ${missing.join(", ")}`)
      : compliant(`${key.address} admits ${[...new Set(publishers.map((p) => p.principal))].join(", ")}`);
  },
};
