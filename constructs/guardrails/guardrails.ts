import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Annotations, App, Aspects, DefaultTokenResolver, IAspect, StringConcat, TerraformBackend, TerraformResource, TerraformStack, Token, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
import { evaluateResource, violationMessage } from "../../modules/guardrails/engine";
import { REPORT_ONLY_RULES, RULES, rulesByType } from "../../modules/guardrails/registry";
import { Finding, GuardrailReport, renderReportJson, renderReportMarkdown, REPORT_JSON_NAME, SuppressionEntry } from "../../modules/guardrails/report";
import { Suppression } from "../../modules/guardrails/suppressions";
import { GuardrailOptions, GuardrailRule, RuleContext } from "../../modules/guardrails/types";
import { ResolvedStack } from "./resolved-stack";
import { suppressionsOn } from "./suppress";

/** File names of the report written next to the synthesized stacks. */
export const REPORT_FILES = { json: REPORT_JSON_NAME, markdown: "guardrails.md" } as const;

/** Options of {@link applyGuardrails}. */
export interface GuardrailsProps {
  /**
   * The dashboard's load balancer may be internet-facing (config `dashboard.public`); its
   * listeners must then be HTTPS only, and only its security group may admit 0.0.0.0/0 on 443.
   */
  readonly allowPublicDashboard: boolean;
  /**
   * Buckets that hold Terraform state: they must be versioned.
   * @default - every bucket named by a stack's S3 backend
   */
  readonly stateBuckets?: readonly string[];
  /**
   * The rules to run.
   * @default - every rule of modules/guardrails/registry.ts
   */
  readonly rules?: readonly GuardrailRule[];
  /**
   * The date support windows are judged against (ISO `YYYY-MM-DD`); tests fix it.
   * @default - the current UTC date
   */
  readonly today?: string;
  /**
   * Rule ids whose violations are warnings instead of errors.
   * @default - REPORT_ONLY_RULES of modules/guardrails/registry.ts
   */
  readonly reportOnly?: readonly string[];
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The stacks of an app: cdktf stacks do not nest, so the walk stops at each stack. */
function stacksOf(app: App): TerraformStack[] {
  const stacks: TerraformStack[] = [];
  const walk = (node: IConstruct) => {
    for (const child of node.node.children) {
      if (TerraformStack.isStack(child)) {
        stacks.push(child);
      } else {
        walk(child);
      }
    }
  };
  walk(app);
  return stacks;
}
const APPLIED = new WeakMap<App, Guardrails>();

/** Buckets named by the S3 backends of the app's stacks (resolved only when given as a token). */
function backendBuckets(stacks: readonly TerraformStack[]): string[] {
  const buckets = new Set<string>();
  for (const stack of stacks) {
    for (const child of stack.node.children) {
      if (TerraformBackend.isBackend(child)) {
        const raw: unknown = child.toTerraform()?.terraform?.backend?.s3?.bucket;
        const bucket: unknown = Token.isUnresolved(raw) ? Tokenization.resolve(raw, { scope: stack, preparing: false, resolver: RESOLVER }) : raw;
        if (typeof bucket === "string") {
          buckets.add(bucket);
        }
      }
    }
  }
  return [...buckets].sort();
}

/**
 * The guardrails of an app, as an Aspect on every stack (cdk-nag's model): when cdktf
 * synthesizes a stack it visits each construct; for each resource of a type some rule checks,
 * the rules run on the resolved arguments. A non-compliant resource without a suppression gets
 * an error annotation (rule id, address, fix), which makes cdktf fail the synth; a suppressed
 * one is reported with its written reason. Only resources of checked types are ever resolved,
 * once, and only the arguments the rules read.
 */
export class Guardrails implements IAspect {
  private readonly rules: ReadonlyMap<string, readonly GuardrailRule[]>;
  private readonly ruleList: readonly GuardrailRule[];
  private readonly stacks = new Map<TerraformStack, ResolvedStack>();
  private readonly evaluated = new WeakSet<IConstruct>();
  /** Stacks whose root was visited: cdktf visits all of a stack's constructs before checking its annotations. */
  private readonly visitedStacks = new WeakSet<TerraformStack>();
  private readonly findings: Finding[] = [];
  private readonly suppressions = new Map<string, SuppressionEntry & { suppressedFindings: number }>();
  private resolvedOptions?: GuardrailOptions;

  /** Use {@link applyGuardrails}, which also adds the aspect to every stack. */
  constructor(
    private readonly app: App,
    /** The props the guardrails were applied with. */
    public readonly props: GuardrailsProps,
  ) {
    this.ruleList = props.rules ?? RULES;
    this.rules = rulesByType(this.ruleList);
  }

  /** The options the rules see (state buckets derived on first use, when every stack exists). */
  public get options(): GuardrailOptions {
    if (this.resolvedOptions === undefined) {
      this.resolvedOptions = {
        allowPublicDashboard: this.props.allowPublicDashboard,
        stateBuckets: this.props.stateBuckets ?? backendBuckets(this.appStacks()),
        today: this.props.today ?? new Date().toISOString().slice(0, 10),
        reportOnly: this.props.reportOnly ?? REPORT_ONLY_RULES,
      };
    }
    return this.resolvedOptions;
  }

  /** Called by cdktf for every construct of a stack, parents first, before the stack is written. */
  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      this.visitedStacks.add(node);
    }
    for (const suppression of suppressionsOn(node)) {
      this.suppressionEntry(node, suppression);
    }
    if (!TerraformResource.isTerraformResource(node) || this.evaluated.has(node)) {
      return;
    }
    const typed = this.rules.get(node.terraformResourceType);
    const everyType = this.rules.get("*");
    if (typed === undefined && everyType === undefined) {
      return;
    }
    const rules = [...(typed ?? []), ...(everyType ?? [])];
    this.evaluated.add(node);
    const stack = this.stackOf(node.cdktfStack);
    const resource = stack.view(node);
    const context: RuleContext = { stack, options: this.options };
    for (const { rule, result } of evaluateResource(resource, context, rules)) {
      const base = { rule: rule.id, stack: stack.name, address: resource.address, path: resource.path };
      if (result.status === "warning") {
        this.findings.push({ ...base, status: "warning", reason: result.problem });
        Annotations.of(node).addWarning(violationMessage(rule, resource, stack.name, result.problem));
        continue;
      }
      if (result.status !== "non-compliant") {
        this.findings.push({ ...base, status: result.status, reason: result.note ?? "" });
        continue;
      }
      const suppression = this.suppressionFor(node, rule.id);
      if (suppression !== undefined) {
        suppression.suppressedFindings++;
        this.findings.push({ ...base, status: "suppressed", reason: `${suppression.reason} (problem: ${result.problem})` });
      } else if (this.options.reportOnly.includes(rule.id)) {
        this.findings.push({ ...base, status: "warning", reason: `(report-only rule) ${result.problem}` });
        Annotations.of(node).addWarning(violationMessage(rule, resource, stack.name, result.problem));
      } else {
        this.findings.push({ ...base, status: "non-compliant", reason: result.problem });
        Annotations.of(node).addError(violationMessage(rule, resource, stack.name, result.problem));
      }
    }
  }

  /** Findings and suppressions so far (every stack, once synth has run). */
  public report(): GuardrailReport {
    return {
      options: this.options,
      rules: this.ruleList,
      findings: [...this.findings],
      suppressions: [...this.suppressions.values()].map((entry) => ({ ...entry })),
    };
  }

  /**
   * Writes guardrails.json and guardrails.md to `outdir`. Stacks that synth did not reach
   * (it stops at the first stack with an error) are evaluated first, so the report is
   * complete whether synth passed or failed.
   */
  public writeReport(outdir: string): GuardrailReport {
    for (const stack of this.appStacks()) {
      if (!this.visitedStacks.has(stack)) {
        stack.node.findAll().forEach((node) => this.visit(node));
      }
    }
    const report = this.report();
    mkdirSync(outdir, { recursive: true });
    writeFileSync(join(outdir, REPORT_FILES.json), renderReportJson(report));
    writeFileSync(join(outdir, REPORT_FILES.markdown), renderReportMarkdown(report));
    return report;
  }

  /** Stacks of the app that do not carry this aspect (created after applyGuardrails). */
  public unguardedStacks(): TerraformStack[] {
    return this.appStacks().filter((stack) => !Aspects.of(stack).all.includes(this));
  }

  private appStacks(): TerraformStack[] {
    return stacksOf(this.app);
  }

  private stackOf(stack: TerraformStack): ResolvedStack {
    let resolved = this.stacks.get(stack);
    if (resolved === undefined) {
      resolved = new ResolvedStack(stack);
      this.stacks.set(stack, resolved);
    }
    return resolved;
  }

  private suppressionEntry(scope: IConstruct, suppression: Suppression): SuppressionEntry & { suppressedFindings: number } {
    const key = `${scope.node.path}\u0000${suppression.ruleId}`;
    let entry = this.suppressions.get(key);
    if (entry === undefined) {
      const stack = scope.node.scopes.find(TerraformStack.isStack);
      entry = { ruleId: suppression.ruleId, reason: suppression.reason, path: scope.node.path, stack: stack?.node.id ?? "", suppressedFindings: 0 };
      this.suppressions.set(key, entry);
    }
    return entry;
  }

  /** The nearest suppression of `ruleId` on the resource or one of its scopes. */
  private suppressionFor(node: IConstruct, ruleId: string): (SuppressionEntry & { suppressedFindings: number }) | undefined {
    const scopes = node.node.scopes;
    for (let i = scopes.length - 1; i >= 0; i--) {
      const match = suppressionsOn(scopes[i]).find((s) => s.ruleId === ruleId);
      if (match !== undefined) {
        return this.suppressionEntry(scopes[i], match);
      }
    }
    return undefined;
  }
}

function sameProps(a: GuardrailsProps, b: GuardrailsProps): boolean {
  return (
    a.allowPublicDashboard === b.allowPublicDashboard &&
    JSON.stringify(a.stateBuckets ?? null) === JSON.stringify(b.stateBuckets ?? null) &&
    a.today === b.today &&
    JSON.stringify(a.reportOnly ?? null) === JSON.stringify(b.reportOnly ?? null) &&
    (a.rules ?? RULES) === (b.rules ?? RULES)
  );
}

/**
 * Runs the guardrails on every stack of the app when it is synthesized. Call it after the
 * last stack is created: a stack created later is reported by the app's validation. Calling
 * it again with the same props returns the same guardrails (and with other props throws).
 * Write the report after `app.synth()` with `writeReport(app.outdir)` (in a `finally`, so a
 * failed synth still leaves its report).
 */
export function applyGuardrails(app: App, props: GuardrailsProps): Guardrails {
  let guardrails = APPLIED.get(app);
  if (guardrails === undefined) {
    guardrails = new Guardrails(app, props);
    APPLIED.set(app, guardrails);
    const applied = guardrails;
    app.node.addValidation({
      validate: () =>
        applied
          .unguardedStacks()
          .map((stack) => `guardrails: stack ${stack.node.id} was created after applyGuardrails() and is not checked; call applyGuardrails() after the last stack`),
    });
  } else if (!sameProps(guardrails.props, props)) {
    throw new Error(
      `applyGuardrails: already applied to this app with ${JSON.stringify({ ...guardrails.props, rules: undefined })}; got ${JSON.stringify({ ...props, rules: undefined })}; allowed: the same props (apply once, after the last stack)`,
    );
  }
  for (const stack of guardrails.unguardedStacks()) {
    Aspects.of(stack).add(guardrails);
  }
  return guardrails;
}
