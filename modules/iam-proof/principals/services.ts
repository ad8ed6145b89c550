/**
 * AWS services acting for the account with their own principals, and the roles services use
 * for delivery:
 * - CloudWatch alarms publish to their SNS topics (and, for an encrypted topic, use its key);
 * - OpenSearch Service publishes the domain's logs to CloudWatch Logs (a Logs resource policy);
 * - VPC flow logs write to their log group with the flow log's role;
 * - Elastic Load Balancing writes access logs to the bucket (the Region's log delivery account
 *   or service principal).
 * And, after every other derivation: reading an S3 object encrypted with a KMS key is also a
 * kms:Decrypt of that key by the same principal, through S3.
 */
import { elbLogDeliveryPrincipal } from "../../network/elb-log-delivery";
import { Address } from "../../reachability/references";
import { Caller } from "../calls";
import { blocks, Derivation, list, PrincipalInfo, unknownId, where } from "./context";

const ALARM_SNS_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html";
const ENCRYPTED_TOPIC_DOC = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services";

/** The topic resource whose ARN is `arn`, if the topology has it. */
function topicByArn(derivation: Derivation, arn: string): { address: Address; config: Record<string, unknown> } | undefined {
  return derivation.find("aws_sns_topic").find(({ address }) => derivation.attempt(where(address), () => derivation.values.attribute(address, "arn")) === arn);
}

/** CloudWatch alarms publishing to SNS topics. */
export function deriveAlarms(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_cloudwatch_metric_alarm")) {
    const label = where(address);
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const alarmArn = derivation.attempt(label, () => derivation.values.attribute(address, "arn"));
    if (region === undefined || alarmArn === undefined) {
      continue;
    }
    // SNS topics only (other actions, e.g. scaling policies, are AWS's own calls).
    const actions = ["alarm_actions", "ok_actions", "insufficient_data_actions"].flatMap((argument) =>
      list(config[argument])
        .filter((value) => {
          const target = derivation.values.addressOf(address.stack, value);
          return target === undefined ? /:sns:/.test(String(value)) : target.type === "aws_sns_topic";
        })
        .map((value) => derivation.attempt(label, () => derivation.values.resolveString(address.stack, String(value)))),
    );
    const topics = [...new Set(actions.filter((arn): arn is string => arn !== undefined && /^arn:aws[a-z-]*:sns:/.test(arn)))];
    if (topics.length === 0) {
      continue;
    }
    const principal = derivation.principal({ name: `cloudwatch.amazonaws.com (alarms of ${address.stack})`, caller: { kind: "service", service: "cloudwatch.amazonaws.com" }, region, derivedFrom: label });
    const sourceContext = { "aws:SourceArn": alarmArn, "aws:SourceAccount": derivation.account, "aws:SourceOwner": derivation.account };
    for (const topic of topics) {
      const alarmName = alarmArn.split(":alarm:")[1];
      derivation.add(principal, { action: "sns:Publish", resources: { topic }, context: sourceContext, purpose: `alarm ${alarmName} notifies ${topic.split(":").pop()}`, derivedFrom: `${label} alarm actions`, doc: ALARM_SNS_DOC });
      const topicResource = topicByArn(derivation, topic);
      if (topicResource === undefined || topicResource.config.kms_master_key_id === undefined) {
        continue;
      }
      const key = derivation.attempt(principal.name, () => derivation.world.keyOf(topicResource.address.stack, topicResource.config.kms_master_key_id));
      if (key === undefined) {
        derivation.problems.push({ principal: principal.name, problem: `${where(topicResource.address)}: kms_master_key_id ${JSON.stringify(topicResource.config.kms_master_key_id)} is not a key the proof can find` });
        continue;
      }
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
        derivation.add(principal, {
          action,
          resources: { key: key.arn },
          context: { ...sourceContext, "kms:ViaService": `sns.${region}.amazonaws.com`, "kms:EncryptionContext:aws:sns:topicArn": topic },
          purpose: `alarm ${alarmName} publishes to the encrypted topic ${topic.split(":").pop()} (key ${key.alias ?? key.arn})`,
          derivedFrom: `${where(topicResource.address)} kms_master_key_id`,
          doc: ENCRYPTED_TOPIC_DOC,
        });
      }
    }
  }
}

/** OpenSearch Service publishing slow and application logs. */
export function deriveOpenSearchLogs(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_opensearch_domain")) {
    const label = where(address);
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const domainArn = derivation.attempt(label, () => derivation.values.attribute(address, "arn"));
    const options = blocks(config.log_publishing_options).filter((option) => option.enabled !== false);
    if (region === undefined || domainArn === undefined || options.length === 0) {
      continue;
    }
    const principal = derivation.principal({ name: `es.amazonaws.com (log publishing of ${String(config.domain_name)})`, caller: { kind: "service", service: "es.amazonaws.com" }, region, derivedFrom: label });
    for (const option of options) {
      const groupArn = derivation.attempt(principal.name, () => derivation.values.resolveString(address.stack, String(option.cloudwatch_log_group_arn)).replace(/:\*$/, ""));
      if (groupArn === undefined) {
        continue;
      }
      for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
        derivation.add(principal, {
          action,
          resources: { "log-stream": `${groupArn}:log-stream:${unknownId("LogStreamName")}` },
          context: { "aws:SourceArn": domainArn, "aws:SourceAccount": derivation.account },
          purpose: `publish ${String(option.log_type)}`,
          derivedFrom: `${label} log_publishing_options`,
          doc: "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html",
        });
      }
    }
  }
}

/** VPC flow logs delivered to CloudWatch Logs with the flow log's role. */
export function deriveFlowLogs(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_flow_log")) {
    const label = where(address);
    if ((config.log_destination_type ?? "cloud-watch-logs") !== "cloud-watch-logs") {
      continue;
    }
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const role = derivation.role(address.stack, config.iam_role_arn, label);
    const groupArn = derivation.attempt(label, () => derivation.values.resolveString(address.stack, String(config.log_destination ?? "")).replace(/:\*$/, ""));
    if (region === undefined || role === undefined || groupArn === undefined) {
      continue;
    }
    const principal = derivation.principal({ name: `${role.caller.name} (role of flow log ${address.name})`, caller: role.caller, region, derivedFrom: label });
    derivation.assumedBy(role.caller, "vpc-flow-logs.amazonaws.com", region, label);
    const doc = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html";
    derivation.add(principal, { action: "logs:DescribeLogStreams", resources: { "log-group": groupArn }, purpose: "find the flow log streams", derivedFrom: label, doc });
    for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
      derivation.add(principal, { action, resources: { "log-stream": `${groupArn}:log-stream:${unknownId("NetworkInterfaceId")}` }, purpose: "deliver flow log records", derivedFrom: label, doc });
    }
  }
}

/** Load balancer access logs written to S3 by Elastic Load Balancing. */
export function deriveLoadBalancerLogs(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_lb")) {
    const logs = blocks(config.access_logs)[0];
    if (logs === undefined || logs.enabled === false || logs.bucket === undefined) {
      continue;
    }
    const label = where(address);
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const bucket = derivation.attempt(label, () => derivation.values.resolveString(address.stack, String(logs.bucket)));
    const prefix = derivation.attempt(label, () => (logs.prefix === undefined ? "" : derivation.values.resolveString(address.stack, String(logs.prefix))));
    if (region === undefined || bucket === undefined || prefix === undefined) {
      continue;
    }
    const delivery = elbLogDeliveryPrincipal(region);
    const caller: Caller = "Service" in delivery ? { kind: "service", service: delivery.Service } : { kind: "account", account: /::(\d{12}):root$/.exec(delivery.AWS)?.[1] ?? delivery.AWS };
    const principal = derivation.principal({
      name: `${"Service" in delivery ? delivery.Service : `account ${caller.kind === "account" ? caller.account : ""}`} (load balancer access logs, ${region})`,
      caller,
      region,
      derivedFrom: label,
    });
    derivation.add(principal, {
      action: "s3:PutObject",
      resources: { object: { BucketName: bucket, ObjectName: `${prefix === "" ? "" : `${prefix}/`}AWSLogs/${derivation.account}/elasticloadbalancing/${region}/${unknownId("LogFile")}` } },
      context: { "aws:SourceAccount": derivation.account },
      purpose: `access logs of ${String(config.name ?? address.name)}`,
      derivedFrom: `${label} access_logs`,
      doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
    });
  }
}

/** The KMS key of an object in a bucket of the topology, and whether bucket keys are on. */
function objectKey(derivation: Derivation, bucketName: string, objectName: string): { key: string; bucketKey: boolean; bucketArn: string; stack: string } | undefined {
  const bucket = derivation.find("aws_s3_bucket").find(({ address }) => derivation.attempt(where(address), () => derivation.values.attribute(address, "bucket")) === bucketName);
  if (bucket === undefined) {
    return undefined;
  }
  const bucketArn = derivation.values.attribute(bucket.address, "arn");
  const refersToBucket = (stack: string, value: unknown) => {
    const target = derivation.values.addressOf(stack, value, ["aws_s3_bucket"]);
    return target?.stack === bucket.address.stack && target.name === bucket.address.name;
  };
  let key: unknown;
  let keyStack = bucket.address.stack;
  let bucketKey = false;
  for (const { address, config } of derivation.find("aws_s3_bucket_server_side_encryption_configuration", (c, a) => refersToBucket(a.stack, c.bucket))) {
    const rule = blocks(config.rule)[0];
    const defaults = blocks(rule?.apply_server_side_encryption_by_default)[0];
    if (defaults?.sse_algorithm === "aws:kms" || defaults?.sse_algorithm === "aws:kms:dsse") {
      key = defaults.kms_master_key_id ?? "alias/aws/s3";
      keyStack = address.stack;
      bucketKey = rule?.bucket_key_enabled === true;
    }
  }
  for (const { address, config } of derivation.find("aws_s3_object", (c, a) => refersToBucket(a.stack, c.bucket))) {
    const objectKeyName = derivation.attempt(where(address), () => derivation.values.resolveString(address.stack, String(config.key)));
    if (objectKeyName === objectName && config.server_side_encryption === "aws:kms") {
      key = config.kms_key_id ?? key ?? "alias/aws/s3";
      keyStack = address.stack;
      bucketKey = config.bucket_key_enabled === true || bucketKey;
    }
  }
  if (key === undefined) {
    return undefined;
  }
  const resolved = derivation.world.keyOf(keyStack, key);
  return resolved === undefined ? undefined : { key: resolved.arn, bucketKey, bucketArn, stack: keyStack };
}

/**
 * For every S3 read (write) of an SSE-KMS object of the topology: kms:Decrypt (GenerateDataKey)
 * of its key by the same principal, through S3, with S3's encryption context (the bucket ARN
 * with bucket keys, the object ARN without).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#aws-managed-customer-managed-keys
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html#bucket-key-encryption-context
 */
export function deriveS3KeyUse(derivation: Derivation): void {
  for (const call of [...derivation.calls]) {
    if (call.action !== "s3:GetObject" && call.action !== "s3:PutObject") {
      continue;
    }
    for (const resource of call.resources) {
      const match = /^arn:aws[a-z-]*:s3:::([^/]+)\/(.+)$/.exec(resource.arn);
      if (match === null) {
        continue;
      }
      const found = derivation.attempt(call.principal, () => objectKey(derivation, match[1], match[2]));
      if (found === undefined) {
        continue;
      }
      const principal = derivation.principals.get(call.principal) as PrincipalInfo;
      derivation.add(principal, {
        action: call.action === "s3:GetObject" ? "kms:Decrypt" : "kms:GenerateDataKey",
        resources: { key: found.key },
        context: { "kms:ViaService": `s3.${call.region}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": found.bucketKey ? found.bucketArn : resource.arn },
        purpose: `${call.action === "s3:GetObject" ? "decrypt" : "encrypt"} ${resource.arn.replace(/^arn:aws[a-z-]*:s3:::/, "s3://")} (SSE-KMS)`,
        derivedFrom: `${call.derivedFrom}; the object is encrypted with a KMS key`,
        doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
      });
    }
  }
}
