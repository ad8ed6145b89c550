/**
 * What the principal derivations share: the concrete values of the app, its policies, the
 * calls found so far and the problems met (a value that cannot be resolved, a call the
 * reference cannot describe). Each derivation (./*.ts) reads one kind of synthesized resource
 * and adds the calls its principal makes.
 */
import { parseHclExpression } from "../../guardrails/hcl";
import { Address, addressKey } from "../../reachability/references";
import { Block } from "../../reachability/synth-output";
import { Call, CallModelError, Caller, CallSpec, makeCall, ResourceSpec } from "../calls";
import { PolicyWorld } from "../policies";
import { TerraformValues, UnresolvedValue } from "../terraform";
import { CODE_SOURCES, CodeSource } from "./code-sources";

/** A principal that acts at run time, with what it is. */
export interface PrincipalInfo {
  /** Name in the matrix, e.g. `proximate-us-east-1-worker-exec (execution role of proximate-us-east-1-dask-worker)`. */
  readonly name: string;
  readonly caller: Caller;
  readonly region: string;
  /** The resource that makes it a principal (task definition, Lambda function, alarm, ...). */
  readonly derivedFrom: string;
}

/** Something the proof could not model; every one fails the proof. */
export interface ModelProblem {
  readonly principal: string;
  readonly problem: string;
}

/** An S3 location (`s3://bucket[/prefix]`). */
export interface S3Location {
  readonly bucket: string;
  /** Without leading or trailing slash; empty for the whole bucket. */
  readonly prefix: string;
}

/** Parses `s3://bucket[/prefix]`. */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*?))?\/?$/.exec(uri);
  return match === null ? undefined : { bucket: match[1], prefix: match[2] ?? "" };
}

/** `stack type.name`, how reports name a resource. */
export function where(address: Address): string {
  return `${address.stack} ${address.type}.${address.name}`;
}

/** The list form of a value (`x` or `[x]`). */
export function list(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/** Nested blocks (`{...}` or `[{...}]`). */
export function blocks(value: unknown): Block[] {
  return list(value).filter((item): item is Block => item !== null && typeof item === "object" && !Array.isArray(item));
}

/** Collects the principals and calls of an app. */
export class Derivation {
  public readonly calls: Call[] = [];
  public readonly problems: ModelProblem[] = [];
  /**
   * Calls in a principal's code whose resource comes only from its inputs, when every input the
   * deployment hands that code is known and none names one: the deployment never makes them
   * (e.g. the indexer function of a Region whose catalog runs as a Fargate task is only asked to
   * start the pipeline). Reported, not evaluated.
   */
  public readonly unreached: ModelProblem[] = [];
  public readonly principals = new Map<string, PrincipalInfo>();
  /** Inputs resources receive at run time, by ARN (a state machine's Lambda payloads, ...). */
  public readonly inputs = new Map<string, unknown[]>();
  private readonly assumed = new Set<string>();
  private readonly seen = new Set<string>();

  constructor(
    public readonly world: PolicyWorld,
    public readonly projectDir: string,
    /** Which code runs as which principal (./code.ts). */
    public readonly codeSources: readonly CodeSource[] = CODE_SOURCES,
  ) {}

  public get values(): TerraformValues {
    return this.world.values;
  }

  public get account(): string {
    return this.world.values.account;
  }

  /** Runs `fn`; an unresolvable value or a call the reference rejects becomes a problem of `principal`. */
  public attempt<T>(principal: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (error instanceof UnresolvedValue || error instanceof CallModelError) {
        this.problems.push({ principal, problem: error.message });
        return undefined;
      }
      throw error;
    }
  }

  /** Records an input `arn` receives at run time. */
  public give(arn: string, input: unknown): void {
    this.inputs.set(arn, [...(this.inputs.get(arn) ?? []), input]);
  }

  /** Registers a principal (once). */
  public principal(info: PrincipalInfo): PrincipalInfo {
    const existing = this.principals.get(info.name);
    if (existing !== undefined) {
      return existing;
    }
    this.principals.set(info.name, info);
    return info;
  }

  /** Adds a call of a registered principal. */
  public add(principal: PrincipalInfo, spec: Omit<CallSpec, "caller" | "principal" | "region" | "account"> & { readonly region?: string }): void {
    this.attempt(principal.name, () => {
      const call = makeCall({ caller: principal.caller, principal: principal.name, region: spec.region ?? principal.region, account: this.account, ...spec });
      // The same request from two places in the code is one call.
      const key = JSON.stringify([call.principal, call.action, call.resources, call.context]);
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.calls.push(call);
      }
    });
  }

  /**
   * The role a value (a `role_arn`, `execution_role_arn`, ...) of a resource in `stack` names, as a
   * caller, or undefined (with a problem) when it is not a role of the topology.
   */
  public role(stack: string, value: unknown, principal: string): { readonly caller: Caller & { kind: "role" }; readonly address: Address } | undefined {
    if (value === undefined || value === null) {
      return undefined;
    }
    const address = this.values.addressOf(stack, value, ["aws_iam_role"]);
    if (address === undefined) {
      this.problems.push({ principal, problem: `${JSON.stringify(value)} in stack ${stack} is not a role of the topology` });
      return undefined;
    }
    return this.attempt(principal, () => ({
      caller: { kind: "role" as const, arn: this.values.attribute(address, "arn"), name: this.values.attribute(address, "name"), address },
      address,
    }));
  }

  /**
   * `sts:AssumeRole` by the service that uses a role, judged by the role's trust policy; once per
   * role and service.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html
   */
  public assumedBy(role: Caller & { kind: "role" }, service: string, region: string, derivedFrom: string, context: Readonly<Record<string, string>> = {}): void {
    const key = `${addressKey(role.address)} ${service}`;
    if (this.assumed.has(key)) {
      return;
    }
    this.assumed.add(key);
    const principal = this.principal({ name: `${service} (assumes roles, ${region})`, caller: { kind: "service", service }, region, derivedFrom });
    this.add(principal, {
      action: "sts:AssumeRole",
      resources: { role: role.arn },
      context: { "aws:SourceAccount": this.account, ...context },
      purpose: `assume ${role.name}`,
      derivedFrom,
      region,
    });
  }

  /** Every address of `type` whose config satisfies `test`. */
  public find(type: string, test: (config: Block, address: Address) => boolean = () => true): { address: Address; config: Block }[] {
    return [...this.values.resources(type)].filter(({ config, address }) => test(config, address));
  }

  /**
   * A script argument made concrete: `${base64encode("...")}` (user data, lifecycle scripts) is
   * read as its template with every reference resolved; a plain string is returned resolved.
   */
  public script(stack: string, value: unknown): string {
    if (typeof value !== "string") {
      return "";
    }
    const encoded = /^\$\{base64encode\(([\s\S]*)\)\}$/.exec(value.trim());
    if (encoded !== null) {
      const inner = parseHclExpression(encoded[1]);
      return typeof inner === "string" ? this.values.resolveString(stack, inner) : "";
    }
    if (/^[A-Za-z0-9+/=\s]+$/.test(value) && value.length % 4 === 0 && value.length > 16) {
      return Buffer.from(value, "base64").toString("utf8");
    }
    return this.values.resolveString(stack, value);
  }

  /** The S3 data repositories of the Lustre file systems of a stack (the Region's datasets). */
  public datasetsOf(stack: string): S3Location[] {
    const locations: S3Location[] = [];
    for (const { address, config } of this.find("aws_fsx_data_repository_association", (_c, a) => a.stack === stack)) {
      const uri = this.attempt(where(address), () => this.values.resolveString(stack, String(config.data_repository_path)));
      const location = uri === undefined ? undefined : parseS3Uri(uri);
      if (location !== undefined) {
        locations.push(location);
      }
    }
    for (const { config } of this.find("aws_fsx_lustre_file_system", (_c, a) => a.stack === stack)) {
      const location = typeof config.import_path === "string" ? parseS3Uri(config.import_path) : undefined;
      if (location !== undefined) {
        locations.push(location);
      }
    }
    return locations;
  }

  /**
   * Reads of S3 locations: `s3:ListBucket` with the prefix (`s3:prefix`), `s3:GetObject` of an
   * object below it (a symbolic key).
   */
  public s3Reads(principal: PrincipalInfo, locations: readonly S3Location[], purpose: string, derivedFrom: string, what: { list?: boolean; get?: boolean } = { list: true, get: true }, doc?: string): void {
    for (const location of locations) {
      const display = `s3://${location.bucket}${location.prefix === "" ? "" : `/${location.prefix}`}`;
      if (what.list !== false) {
        this.add(principal, {
          action: "s3:ListBucket",
          resources: { bucket: { BucketName: location.bucket } },
          context: location.prefix === "" ? {} : { "s3:prefix": `${location.prefix}/` },
          purpose: `${purpose}: list ${display}`,
          derivedFrom,
          ...(doc !== undefined ? { doc } : {}),
        });
      }
      if (what.get !== false) {
        this.add(principal, {
          action: "s3:GetObject",
          resources: { object: { BucketName: location.bucket, ObjectName: `${location.prefix === "" ? "" : `${location.prefix}/`}${SYMBOLIC_OBJECT_KEY}` } },
          purpose: `${purpose}: read objects of ${display}`,
          derivedFrom,
          ...(doc !== undefined ? { doc } : {}),
        });
      }
    }
  }
}

/** The key of "some object" below a prefix. */
export const SYMBOLIC_OBJECT_KEY = "any-object";

/** A value an ARN variable takes when the call's resource is created by the call or chosen at run time. */
export function unknownId(variable: string): string {
  return `run-time-${variable.toLowerCase()}`;
}

/** Resource specs of every given ARN. */
export function arns(values: readonly string[]): ResourceSpec[] {
  return [...values];
}
