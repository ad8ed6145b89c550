/**
 * Creation order of the synthesized resources, as Terraform and `cdktf deploy` will follow it:
 * within a stack, a resource is created after everything it references or names in
 * `depends_on` (transitively); across stacks, after every stack it reads through remote state
 * (cdktf deploys a stack after the stacks it depends on). Used for calls AWS checks when it
 * creates a resource: the grant they need must already exist.
 */
import { Address, addressKey } from "../reachability/references";
import { Block } from "../reachability/synth-output";
import { TerraformValues } from "./terraform";

const REFERENCE = /\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\b/g;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    out.push(value);
  } else if (Array.isArray(value)) {
    value.forEach((item) => strings(item, out));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key !== "//") {
        strings(item, out);
      }
    }
  }
  return out;
}

/** Answers "is `a` created before `b`?" for one app. */
export class CreationOrder {
  private readonly stackDependencies = new Map<string, Set<string>>();
  private readonly resourceDependencies = new Map<string, Set<string>>();

  constructor(private readonly values: TerraformValues) {}

  /** True when Terraform creates `a` before it starts creating `b`. */
  public precedes(a: Address, b: Address): boolean {
    if (a.stack !== b.stack) {
      return this.stacksBefore(b.stack).has(a.stack);
    }
    return this.resourcesBefore(b).has(addressKey(a));
  }

  private stacksBefore(stack: string): Set<string> {
    let out = this.stackDependencies.get(stack);
    if (out === undefined) {
      out = new Set();
      this.stackDependencies.set(stack, out);
      const json = this.values.output.stacks.get(stack);
      for (const name of Object.keys(json?.data?.terraform_remote_state ?? {})) {
        const producer = this.values.refs.producer(stack, name);
        if (producer !== undefined && producer !== stack) {
          out.add(producer);
          this.stacksBefore(producer).forEach((upstream) => out!.add(upstream));
        }
      }
    }
    return out;
  }

  private direct(address: Address, config: Block): Address[] {
    const out: Address[] = [];
    for (const text of [...strings(config), ...((config.depends_on as string[] | undefined) ?? [])]) {
      for (const match of text.matchAll(REFERENCE)) {
        if (this.values.resource({ stack: address.stack, type: match[1], name: match[2] }) !== undefined) {
          out.push({ stack: address.stack, type: match[1], name: match[2] });
        }
      }
    }
    return out;
  }

  private resourcesBefore(address: Address): Set<string> {
    const key = addressKey(address);
    let out = this.resourceDependencies.get(key);
    if (out === undefined) {
      out = new Set();
      this.resourceDependencies.set(key, out);
      const queue = [address];
      while (queue.length > 0) {
        const current = queue.shift() as Address;
        const config = this.values.resource(current);
        for (const next of config === undefined ? [] : this.direct(current, config)) {
          const nextKey = addressKey(next);
          if (!out.has(nextKey)) {
            out.add(nextKey);
            queue.push(next);
          }
        }
      }
    }
    return out;
  }
}
