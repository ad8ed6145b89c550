/**
 * AWS's policy evaluation for one account, per resource of a call:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * 1. An explicit Deny in any applicable policy (identity or resource) denies.
 * 2. A role of the account is allowed when an identity policy allows, or a resource policy
 *    names the role itself (naming the account only delegates to identity policies).
 * 3. KMS keys are the exception: the key policy must allow, either the principal directly or
 *    the account, and then an identity policy must allow too.
 *    https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html
 * 4. AWS services' principals and other accounts have no identity policy here: the resource
 *    policy must admit them.
 * Resources the topology does not own (public dataset buckets) are judged by the identity
 * side only; the verdict says so. `sts:AssumeRole` is judged by the role's trust policy.
 */
import { CallResource, Call, Caller } from "./calls";
import { conditionsHold, requestContext, RequestContext, substituteVariables } from "./conditions";
import { globMatches } from "./glob";
import { PolicyWorld, ResourcePolicy } from "./policies";
import { describeStatement, Principals, Statement } from "./statements";

/** The outcome for one resource of a call. */
export interface ResourceVerdict {
  readonly resource: CallResource;
  readonly allowed: boolean;
  /** The statements that allow (when allowed). */
  readonly allowedBy: readonly Statement[];
  /** The explicit Deny statements that apply (when denied by one). */
  readonly deniedBy: readonly Statement[];
  /** Why, in one sentence. */
  readonly reason: string;
}

/** The outcome of a call: allowed when every resource is. */
export interface CallVerdict {
  readonly call: Call;
  readonly allowed: boolean;
  readonly resources: readonly ResourceVerdict[];
}

type PrincipalMatch = "direct" | "account" | undefined;

function accountOf(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/.exec(arn)?.[1];
}

function listsAccount(entries: readonly string[], account: string): boolean {
  return entries.some((entry) => entry === account || entry === `arn:aws:iam::${account}:root` || /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(entry)?.[1] === account);
}

function principalMatches(principals: Principals, caller: Caller, ownAccount: string): PrincipalMatch {
  if (principals.all) {
    return "direct";
  }
  switch (caller.kind) {
    case "role":
      if (principals.aws.includes(caller.arn)) {
        return "direct";
      }
      return listsAccount(principals.aws, accountOf(caller.arn) ?? ownAccount) ? "account" : undefined;
    case "service":
      return principals.service.includes(caller.service) ? "direct" : undefined;
    default:
      if (listsAccount(principals.aws, caller.account)) {
        // An account is its own principal: for another account the statement admits it; for ours it delegates.
        return caller.account === ownAccount ? "account" : "direct";
      }
      return undefined;
  }
}

function matchesAny(patterns: readonly string[], value: string, ignoreCase: boolean, context: RequestContext): boolean {
  return patterns.some((pattern) => globMatches(substituteVariables(pattern, context), value, ignoreCase));
}

/** True when a statement's Action/NotAction and Resource/NotResource cover `action` on `arn`. */
export function statementCovers(statement: Statement, action: string, arn: string, context: RequestContext = new Map()): boolean {
  const actionOk = statement.actions !== undefined ? matchesAny(statement.actions, action, true, context) : !matchesAny(statement.notActions ?? [], action, true, context);
  if (!actionOk) {
    return false;
  }
  if (statement.resources !== undefined) {
    return matchesAny(statement.resources, arn, false, context);
  }
  if (statement.notResources !== undefined) {
    return !matchesAny(statement.notResources, arn, false, context);
  }
  return true;
}

/** The request context AWS builds for a call on one resource. */
export function contextFor(call: Call, resource: CallResource, ownAccount: string): RequestContext {
  const base: Record<string, string | readonly string[]> = {
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": call.region,
    "aws:CurrentTime": "2026-11-30T00:00:00Z",
  };
  const resourceAccount = accountOf(resource.arn);
  if (resourceAccount !== undefined) {
    base["aws:ResourceAccount"] = resourceAccount;
  }
  const caller = call.caller;
  if (caller.kind === "role") {
    base["aws:PrincipalArn"] = caller.arn;
    base["aws:PrincipalAccount"] = accountOf(caller.arn) ?? ownAccount;
    base["aws:PrincipalType"] = "AssumedRole";
    base["kms:CallerAccount"] = accountOf(caller.arn) ?? ownAccount;
  } else if (caller.kind === "service") {
    base["aws:PrincipalServiceName"] = caller.service;
    base["aws:PrincipalIsAWSService"] = "true";
  } else {
    base["aws:PrincipalAccount"] = caller.account;
    base["kms:CallerAccount"] = caller.account;
    base["aws:PrincipalArn"] = `arn:aws:iam::${caller.account}:root`;
  }
  return requestContext({ ...base, ...call.context });
}

interface Applicable {
  readonly statement: Statement;
  readonly principal: PrincipalMatch | "identity";
}

/** Statements of resource policies governing `arn` that match everything but (possibly) conditions. */
function governing(world: PolicyWorld, action: string, arn: string): ResourcePolicy[] {
  return world.resourcePolicies.filter(
    (policy) => (policy.kind !== "trust" || action.toLowerCase().startsWith("sts:")) && (policy.arns.includes(arn) || policy.prefixes.some((prefix) => arn.startsWith(prefix))),
  );
}

function explainNearMisses(candidates: readonly Statement[], effect: "Allow", action: string, arn: string, context: RequestContext): string {
  const near = candidates.filter((statement) => statement.effect === effect && statementCovers(statement, action, arn, context) && !conditionsHold(statement.condition, context));
  if (near.length === 0) {
    return "";
  }
  return `; ${near.map((statement) => `${describeStatement(statement)} would allow but its Condition ${JSON.stringify(statement.condition)} does not hold`).join("; ")}`;
}

/** Evaluates one resource of a call. */
export function evaluateResource(world: PolicyWorld, call: Call, resource: CallResource): ResourceVerdict {
  const own = world.values.account;
  const context = contextFor(call, resource, own);
  const action = call.action;
  const arn = resource.arn;
  const caller = call.caller;
  const identity = caller.kind === "role" ? (world.roles.get(caller.arn)?.identity ?? []) : [];
  const policies = governing(world, action, arn);
  const resourceStatements = policies.flatMap((policy) => policy.statements);

  const applicable: Applicable[] = [];
  for (const statement of identity) {
    if (statementCovers(statement, action, arn, context) && conditionsHold(statement.condition, context)) {
      applicable.push({ statement, principal: "identity" });
    }
  }
  for (const statement of resourceStatements) {
    if (!statementCovers(statement, action, arn, context) || !conditionsHold(statement.condition, context)) {
      continue;
    }
    let match: PrincipalMatch;
    if (statement.principal !== undefined) {
      match = principalMatches(statement.principal, caller, own);
    } else if (statement.notPrincipal !== undefined) {
      match = principalMatches(statement.notPrincipal, caller, own) === undefined ? "direct" : undefined;
    } else {
      match = undefined;
    }
    if (match !== undefined) {
      applicable.push({ statement, principal: match });
    }
  }

  const denies = applicable.filter((entry) => entry.statement.effect === "Deny").map((entry) => entry.statement);
  if (denies.length > 0) {
    return { resource, allowed: false, allowedBy: [], deniedBy: denies, reason: `explicitly denied by ${denies.map(describeStatement).join("; ")}` };
  }
  const allows = applicable.filter((entry) => entry.statement.effect === "Allow");
  const identityAllows = allows.filter((entry) => entry.principal === "identity").map((entry) => entry.statement);
  const direct = allows.filter((entry) => entry.principal === "direct").map((entry) => entry.statement);
  const viaAccount = allows.filter((entry) => entry.principal === "account").map((entry) => entry.statement);
  const isKey = policies.some((policy) => policy.kind === "kms-key");
  const who = caller.kind === "role" ? `role ${caller.name}` : caller.kind === "service" ? `service principal ${caller.service}` : `account ${caller.account}`;
  const near = explainNearMisses([...identity, ...resourceStatements], "Allow", action, arn, context);

  if (isKey) {
    if (direct.length > 0) {
      return { resource, allowed: true, allowedBy: direct, deniedBy: [], reason: "the key policy allows it" };
    }
    if (viaAccount.length > 0 && caller.kind === "account") {
      return { resource, allowed: true, allowedBy: viaAccount, deniedBy: [], reason: "the key policy allows the account" };
    }
    if (viaAccount.length > 0 && identityAllows.length > 0) {
      return { resource, allowed: true, allowedBy: [...viaAccount, ...identityAllows], deniedBy: [], reason: "the key policy delegates to IAM and an identity policy allows it" };
    }
    if (viaAccount.length > 0) {
      return { resource, allowed: false, allowedBy: [], deniedBy: [], reason: `the key policy delegates to IAM, but no identity policy of ${who} allows ${action} on ${arn}${near}` };
    }
    return { resource, allowed: false, allowedBy: [], deniedBy: [], reason: `the key policy of ${arn} admits neither ${who} nor its account for ${action}${near}` };
  }

  if (caller.kind === "role") {
    if (identityAllows.length > 0 || direct.length > 0) {
      const external = policies.length === 0 && !world.ownedArns.has(resourceOwner(arn)) && arn !== "*";
      return {
        resource,
        allowed: true,
        allowedBy: [...identityAllows, ...direct],
        deniedBy: [],
        reason: external ? "an identity policy allows it (the resource is outside the topology: its own policy is not checked)" : identityAllows.length > 0 ? "an identity policy allows it" : "the resource policy allows the role",
      };
    }
    return { resource, allowed: false, allowedBy: [], deniedBy: [], reason: `no identity policy of ${who} and no resource policy allows ${action} on ${arn}${near}` };
  }
  if (direct.length > 0) {
    return { resource, allowed: true, allowedBy: direct, deniedBy: [], reason: "the resource policy admits it" };
  }
  const kinds = [...new Set(policies.map((policy) => policy.kind))];
  return {
    resource,
    allowed: false,
    allowedBy: [],
    deniedBy: [],
    reason: `${kinds.length === 0 ? `no resource policy governs ${arn}, and ${who} has no identity policy` : `no statement of the ${kinds.join(", ")} policy of ${arn} admits ${who} for ${action}`}${near}`,
  };
}

/** The ARN of the resource that owns `arn` (an object's bucket, a stream's log group, a domain path's domain). */
function resourceOwner(arn: string): string {
  const s3 = /^(arn:aws[a-z-]*:s3:::[^/]+)\//.exec(arn);
  if (s3 !== null) {
    return s3[1];
  }
  const stream = /^(arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:.+?):log-stream:/.exec(arn);
  if (stream !== null) {
    return stream[1];
  }
  const domain = /^(arn:aws[a-z-]*:es:[^:]*:[^:]*:domain\/[^/]+)\//.exec(arn);
  return domain !== null ? domain[1] : arn;
}

/** Evaluates every resource of a call. */
export function evaluateCall(world: PolicyWorld, call: Call): CallVerdict {
  const resources = call.resources.map((resource) => evaluateResource(world, call, resource));
  return { call, allowed: resources.every((resource) => resource.allowed), resources };
}
