/**
 * The vocabulary of synth-time guardrails (cdk-nag's model, on synthesized Terraform): a rule
 * is a pure check of one resource, given as its Terraform type, address and resolved JSON
 * configuration, plus a read-only view of the other resources of its stack.
 */

/** What a rule concluded about one resource. */
export type RuleStatus = "compliant" | "non-compliant" | "warning" | "not-applicable";

/** One resource (or data source) as it appears in the synthesized `cdk.tf.json`. */
export interface ResourceView {
  /** Terraform type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Logical name (the cdktf friendly unique id), e.g. `bucket_policy_C7AF4A7D`. */
  readonly name: string;
  /** `<type>.<name>` for resources, `data.<type>.<name>` for data sources. */
  readonly address: string;
  /** Construct path, e.g. `state/bucket/policy`. */
  readonly path: string;
  /**
   * Arguments exactly as synthesized (snake_case, tokens resolved to `${...}` expressions, no
   * `//` metadata). References to other resources are opaque strings.
   */
  readonly config: Readonly<Record<string, unknown>>;
}

/** Read-only view of the other resources of the stack a resource belongs to. */
export interface StackView {
  /** The stack's name, e.g. `pool-us-east-1`. */
  readonly name: string;
  /** Every resource of `type` in the stack, in construct order. */
  resources(type: string): readonly ResourceView[];
  /** The data source `data.<type>.<name>`, if the stack holds it. */
  dataSource(type: string, name: string): ResourceView | undefined;
}

/** Settings that change what a rule accepts. */
export interface GuardrailOptions {
  /**
   * The dashboard load balancer may be internet-facing (config `dashboard.public`); its
   * listeners must then be HTTPS only with a TLS 1.2+ policy, and only its security group
   * may admit 0.0.0.0/0, on 443 only.
   */
  readonly allowPublicDashboard: boolean;
  /** Names of the buckets that hold Terraform state (they must be versioned). */
  readonly stateBuckets: readonly string[];
  /** The date the rules judge support windows against (ISO `YYYY-MM-DD`, UTC). */
  readonly today: string;
  /**
   * Rules whose violations are reported as warnings instead of failing synth (a rule being
   * introduced while the product catches up). Empty in normal use.
   */
  readonly reportOnly: readonly string[];
}

/** Everything a rule may look at besides the resource itself. */
export interface RuleContext {
  readonly stack: StackView;
  readonly options: GuardrailOptions;
}

/** The outcome of one rule on one resource. */
export type RuleResult =
  | { readonly status: "compliant"; readonly note?: string }
  | { readonly status: "not-applicable"; readonly note?: string }
  | { readonly status: "non-compliant"; readonly problem: string }
  /** Not a violation yet (e.g. support ending soon): reported as a synth warning. */
  | { readonly status: "warning"; readonly problem: string };

/** A guardrail: one check, one file under `modules/guardrails/rules/`. */
export interface GuardrailRule {
  /** Stable id used in messages and suppressions, e.g. `S3-TLS-ONLY`. */
  readonly id: string;
  /** What the rule requires, as one sentence. */
  readonly description: string;
  /** Terraform types the rule checks (`"*"`: every type); the aspect resolves only resources of these types. */
  readonly resourceTypes: readonly string[];
  /** How to fix a violation, as an instruction. */
  readonly fix: string;
  /** Pure: the same resource and context always give the same result. */
  check(resource: ResourceView, context: RuleContext): RuleResult;
}

export const COMPLIANT: RuleResult = { status: "compliant" };

export function compliant(note?: string): RuleResult {
  return note === undefined ? COMPLIANT : { status: "compliant", note };
}

export function nonCompliant(problem: string): RuleResult {
  return { status: "non-compliant", problem };
}

export function warning(problem: string): RuleResult {
  return { status: "warning", problem };
}

export function notApplicable(note?: string): RuleResult {
  return { status: "not-applicable", note };
}
