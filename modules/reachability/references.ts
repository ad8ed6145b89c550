/**
 * Resolution of references across stacks. A consumer reads another stack's value as
 * `${data.terraform_remote_state.<name>.outputs.<output>}`; the remote state's backend
 * configuration (or cdktf's `cross-stack-reference-input-<stack>` name) identifies the
 * producing stack, whose `output.<output>.value` is `${<type>.<name>.<attribute>}`.
 */
import { parseReference } from "../guardrails/refs";
import { Block, SynthOutput, TerraformJson } from "./synth-output";

/** One resource of one stack. */
export interface Address {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
}

/** A reference followed to the resource attribute it reads. */
export interface ResolvedReference extends Address {
  readonly attribute: string;
}

/** The result of following a value: the resource it reads, or why it leads nowhere. */
export type Resolution = { readonly ok: true; readonly ref: ResolvedReference } | { readonly ok: false; readonly reason: string };

/** `stack/type.name`, the key of a resource across the app. */
export function addressKey(address: Address): string {
  return `${address.stack}/${address.type}.${address.name}`;
}

const CROSS_STACK_PREFIX = "cross-stack-reference-input-";
const MAX_HOPS = 8;

/** Identifies where a backend keeps state, the same way for a stack's backend and a remote state reading it. */
function backendIdentity(type: string, config: Block | undefined): string | undefined {
  if (config === undefined) {
    return undefined;
  }
  if (type === "s3" && typeof config.bucket === "string" && typeof config.key === "string") {
    return `s3:${config.bucket}/${config.key}`;
  }
  if (type === "local" && typeof config.path === "string") {
    return `local:${config.path}`;
  }
  const workspace = (config.workspaces as Block | undefined)?.name;
  if ((type === "remote" || type === "cloud") && typeof config.organization === "string" && typeof workspace === "string") {
    return `tfc:${config.organization}/${workspace}`;
  }
  return undefined;
}

/** Resolves references in any stack of a synthesized app. */
export class References {
  private readonly byBackend = new Map<string, string>();

  constructor(private readonly output: SynthOutput) {
    for (const [name, json] of output.stacks) {
      const backends: [string, Block][] = [...Object.entries(json.terraform?.backend ?? {})];
      if (json.terraform?.cloud !== undefined) {
        backends.push(["cloud", json.terraform.cloud]);
      }
      for (const [type, config] of backends) {
        const identity = backendIdentity(type, config);
        if (identity !== undefined) {
          this.byBackend.set(identity, name);
        }
      }
    }
  }

  /** The arguments of a resource, if it exists. */
  public resource(address: Address): Block | undefined {
    return this.output.stacks.get(address.stack)?.resource?.[address.type]?.[address.name];
  }

  /** Every resource of `type` in every stack. */
  public *resources(type: string): Generator<{ readonly address: Address; readonly config: Block }> {
    for (const [stack, json] of this.output.stacks) {
      for (const [name, config] of Object.entries(json.resource?.[type] ?? {})) {
        yield { address: { stack, type, name }, config };
      }
    }
  }

  /** Follows `value` (in `stack`) through remote state outputs to the resource attribute it reads. */
  public resolve(stack: string, value: unknown): Resolution {
    let current = { stack, value };
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const ref = parseReference(current.value);
      if (ref === undefined) {
        return { ok: false, reason: `${JSON.stringify(current.value)} in stack ${current.stack} is not a reference` };
      }
      if (!ref.data) {
        return { ok: true, ref: { stack: current.stack, type: ref.type, name: ref.name, attribute: ref.attribute } };
      }
      if (ref.type !== "terraform_remote_state" || ref.attribute !== "outputs") {
        return { ok: false, reason: `data.${ref.type}.${ref.name} in stack ${current.stack} is a data source, known only at plan time` };
      }
      const producer = this.producer(current.stack, ref.name);
      if (producer === undefined) {
        return { ok: false, reason: `remote state ${ref.name} in stack ${current.stack} reads no synthesized stack` };
      }
      const outputName = /^\.([A-Za-z0-9_-]+)$/.exec(ref.rest)?.[1] ?? /^\["([^"]+)"\]$/.exec(ref.rest)?.[1];
      const output = outputName === undefined ? undefined : this.output.stacks.get(producer)?.output?.[outputName];
      if (output === undefined) {
        return { ok: false, reason: `stack ${producer} has no output ${outputName ?? ref.rest} (read by stack ${current.stack})` };
      }
      current = { stack: producer, value: output.value };
    }
    return { ok: false, reason: `${JSON.stringify(value)} in stack ${stack} passes through more than ${MAX_HOPS} outputs` };
  }

  /** Like {@link resolve}, but only to an existing resource of one of `types`. */
  public resolveTo(stack: string, value: unknown, types: readonly string[]): Resolution {
    const resolution = this.resolve(stack, value);
    if (!resolution.ok) {
      return resolution;
    }
    const { ref } = resolution;
    if (!types.includes(ref.type)) {
      return { ok: false, reason: `${ref.type}.${ref.name} (stack ${ref.stack}) is not a ${types.join(" or ")}` };
    }
    if (this.resource(ref) === undefined) {
      return { ok: false, reason: `${ref.type}.${ref.name} does not exist in stack ${ref.stack}` };
    }
    return resolution;
  }

  /** The stack a remote state data source of `stack` reads. */
  public producer(stack: string, dataName: string): string | undefined {
    const json: TerraformJson | undefined = this.output.stacks.get(stack);
    const data = json?.data?.terraform_remote_state?.[dataName];
    if (data !== undefined) {
      const identity = backendIdentity(String(data.backend), data.config as Block | undefined);
      const byBackend = identity === undefined ? undefined : this.byBackend.get(identity);
      if (byBackend !== undefined) {
        return byBackend;
      }
    }
    if (dataName.startsWith(CROSS_STACK_PREFIX) && this.output.stacks.has(dataName.slice(CROSS_STACK_PREFIX.length))) {
      return dataName.slice(CROSS_STACK_PREFIX.length);
    }
    return undefined;
  }
}
