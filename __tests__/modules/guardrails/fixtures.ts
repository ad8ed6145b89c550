import { GuardrailOptions, GuardrailRule, ResourceView, RuleContext, RuleResult, StackView } from "../../../modules/guardrails/types";

/** A resource as the aspect would hand it to a rule. */
export function resource(type: string, name: string, config: Record<string, unknown>): ResourceView {
  return { type, name, address: `${type}.${name}`, path: `test/${name}`, config };
}

/** A data source as the aspect would hand it to a rule. */
export function dataSource(type: string, name: string, config: Record<string, unknown>): ResourceView {
  return { type, name, address: `data.${type}.${name}`, path: `test/${name}`, config };
}

/** A stack holding `members` (resources and data sources). */
export function stack(...members: ResourceView[]): StackView {
  return {
    name: "test",
    resources: (type) => members.filter((m) => m.type === type && !m.address.startsWith("data.")),
    dataSource: (type, name) => members.find((m) => m.address === `data.${type}.${name}`),
  };
}

export const DEFAULT_OPTIONS: GuardrailOptions = { allowPublicDashboard: false, stateBuckets: ["proximate-tfstate-example"], today: "2026-11-30", reportOnly: [] };

/** Runs a rule on the first member, in a stack of all members. */
export function check(rule: GuardrailRule, members: ResourceView[], options: Partial<GuardrailOptions> = {}): RuleResult {
  const context: RuleContext = { stack: stack(...members), options: { ...DEFAULT_OPTIONS, ...options } };
  return rule.check(members[0], context);
}

/** `${jsonencode(...)}` as cdktf renders a policy document. */
export function jsonencode(hcl: string): string {
  return `\${jsonencode(${hcl})}`;
}

/** A bucket named by prefix, the state bucket, and references to them as cdktf writes them. */
export const logsBucket = resource("aws_s3_bucket", "logs", { bucket_prefix: "logs-" });
export const stateBucket = resource("aws_s3_bucket", "state", { bucket: "proximate-tfstate-example" });
export const bucketRef = (name: string, attribute = "id") => `\${aws_s3_bucket.${name}.${attribute}}`;

/** An OpenSearch domain as constructs/catalog-domain.ts configures it, with `overrides` applied. */
export function opensearchDomain(overrides: Record<string, unknown> = {}): ResourceView {
  return resource("aws_opensearch_domain", "catalog", {
    domain_name: "proximate-catalog",
    vpc_options: { subnet_ids: ["${data.terraform_remote_state.net.outputs.a}"], security_group_ids: ["${aws_security_group.sg.id}"] },
    encrypt_at_rest: { enabled: true },
    node_to_node_encryption: { enabled: true },
    domain_endpoint_options: { enforce_https: true, tls_security_policy: "Policy-Min-TLS-1-2-PFS-2023-10" },
    ...overrides,
  });
}

/** A SageMaker notebook instance configured as the guardrails require, with `overrides` applied. */
export function notebook(overrides: Record<string, unknown> = {}): ResourceView {
  return resource("aws_sagemaker_notebook_instance", "notebook", {
    instance_type: "ml.t3.medium",
    subnet_id: "${data.terraform_remote_state.net.outputs.a}",
    direct_internet_access: "Disabled",
    root_access: "Disabled",
    kms_key_id: "${aws_kms_key.notebook.arn}",
    ...overrides,
  });
}
