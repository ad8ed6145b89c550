/**
 * The AWS calls principals make at run time, as IAM sees them: an action and the resource
 * ARN(s) it touches, built from the action's resource types and their ARN formats in AWS's
 * Service Authorization Reference (./iam-data.ts), plus the request context the conditions
 * read. A call that names a resource type the action does not take, or leaves out a required
 * one, is a modelling error: the proof refuses it rather than evaluating half a request.
 */
import { Address } from "../reachability/references";
import { actionData, ArnVariables, buildArn, requiredResourceGroups } from "./iam-data";

/** Who makes a call. */
export type Caller =
  /** A role of the topology, assumed by a service (ECS tasks, Lambda, Step Functions, ...). */
  | { readonly kind: "role"; readonly arn: string; readonly name: string; readonly address: Address }
  /** An AWS service acting for the account with its own service principal (CloudWatch alarms, OpenSearch log publishing, ...). */
  | { readonly kind: "service"; readonly service: string }
  /** An AWS account: another one (the Region's load balancer log account) or ours, through a service on a deployer's behalf. */
  | { readonly kind: "account"; readonly account: string };

/** How a caller reads in reports. */
export function callerName(caller: Caller): string {
  switch (caller.kind) {
    case "role":
      return `role ${caller.name}`;
    case "service":
      return `service ${caller.service}`;
    default:
      return `account ${caller.account}`;
  }
}

/** One resource a call touches: its resource type (from the reference) and ARN; `*` for actions without resource types. */
export interface CallResource {
  readonly type: string;
  readonly arn: string;
}

/** One AWS call. */
export interface Call {
  readonly caller: Caller;
  /** The principal's name in the matrix, e.g. `worker execution role (pool-us-east-1)`. */
  readonly principal: string;
  readonly region: string;
  /** `service:Action` in AWS's spelling. */
  readonly action: string;
  readonly resources: readonly CallResource[];
  /** Request context keys the call sets (besides the principal's own, which the evaluator adds). */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** What the call is for, e.g. `pull quay/pangeo/pangeo-notebook (first pull creates the repository)`. */
  readonly purpose: string;
  /** Where the proof found it: synthesized resource, source file, Step Functions state. */
  readonly derivedFrom: string;
  /** The AWS documentation that says the call is made (and with which permission). */
  readonly doc?: string;
  /**
   * The resource whose creation makes or checks this call (a Lambda function in a VPC is refused
   * when its role cannot create network interfaces; a deploy-time invocation runs the function):
   * the grant must exist before Terraform creates it.
   */
  readonly checkedWhenCreating?: Address;
}

/** Thrown for a call the reference cannot describe (unknown action, wrong or missing resource types). */
export class CallModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CallModelError";
  }
}

/** A resource of a call: its ARN, or the variables of its type's ARN format. */
export type ResourceSpec = string | ArnVariables;

/** What a call specification gives besides the action. */
export interface CallSpec {
  readonly caller: Caller;
  readonly principal: string;
  readonly region: string;
  readonly account: string;
  readonly action: string;
  /** Resource type -> ARN(s) or ARN variables (Region and Account default to the call's). */
  readonly resources?: Readonly<Record<string, ResourceSpec | readonly ResourceSpec[]>>;
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  readonly purpose: string;
  readonly derivedFrom: string;
  readonly doc?: string;
  readonly checkedWhenCreating?: Address;
}

/** Builds a call, checking it against the reference; throws {@link CallModelError}. */
export function makeCall(spec: CallSpec): Call {
  const action = actionData(spec.action);
  if (action === undefined) {
    throw new CallModelError(`${spec.principal}: ${spec.action} (${spec.purpose}, from ${spec.derivedFrom}) is not an action of AWS's Service Authorization Reference`);
  }
  const given = spec.resources ?? {};
  const resources: CallResource[] = [];
  for (const [type, specs] of Object.entries(given)) {
    const declared = action.resourceTypes.find((resourceType) => resourceType.name === type);
    if (declared === undefined) {
      throw new CallModelError(
        `${spec.principal}: ${action.service}:${action.name} takes no resource of type ${type} (it takes ${action.resourceTypes.map((t) => t.name).join(", ") || "only *"}); from ${spec.derivedFrom}`,
      );
    }
    for (const item of (Array.isArray(specs) ? specs : [specs]) as ResourceSpec[]) {
      resources.push({
        type,
        arn: typeof item === "string" ? item : buildArn(action.service, type, { Region: spec.region, Account: spec.account, ...item }),
      });
    }
  }
  const missing = requiredResourceGroups(action).filter((group) => !resources.some((resource) => group.includes(resource.type)));
  if (missing.length > 0) {
    throw new CallModelError(
      `${spec.principal}: ${action.service}:${action.name} always touches a ${missing.map((group) => group.join(" or ")).join(" and a ")}, which the call model does not give; from ${spec.derivedFrom}`,
    );
  }
  // No resource type applies (none given, none required, e.g. cloudwatch:PutMetricData without a
  // dataset): AWS authorizes the request against "*".
  if (resources.length === 0 && action.resourceTypes.every((type) => !type.required)) {
    resources.push({ type: "*", arn: "*" });
  }
  if (resources.length === 0) {
    throw new CallModelError(
      `${spec.principal}: ${action.service}:${action.name} needs one of its resource types (${action.resourceTypes.map((t) => t.name).join(", ")}); from ${spec.derivedFrom}`,
    );
  }
  return {
    caller: spec.caller,
    principal: spec.principal,
    region: spec.region,
    action: `${action.service}:${action.name}`,
    resources,
    context: spec.context ?? {},
    purpose: spec.purpose,
    derivedFrom: spec.derivedFrom,
    ...(spec.doc !== undefined ? { doc: spec.doc } : {}),
    ...(spec.checkedWhenCreating !== undefined ? { checkedWhenCreating: spec.checkedWhenCreating } : {}),
  };
}
