/**
 * What a resource waits for in Terraform's graph, within its stack: its `depends_on` entries and
 * every resource its arguments reference (`${aws_x.y.attr}` anywhere in an expression), followed
 * transitively. Other stacks are deployed before this one (cdktf stack dependencies), so only
 * the stack's own resources can be created too early.
 */
import { stringsIn } from "./refs";
import { ResourceView, StackView } from "./types";

const REFERENCE = /(?<![\w.-])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)/g;

/** Addresses (`<type>.<name>`, `data.<type>.<name>`) one resource names directly. */
export function directDependencies(resource: ResourceView): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(resource.config)) {
    for (const text of stringsIn(value)) {
      if (key === "depends_on") {
        out.add(text.replace(/^\$\{|\}$/g, ""));
        continue;
      }
      for (const expression of text.match(/\$\{[\s\S]*?\}/g) ?? []) {
        for (const match of expression.matchAll(REFERENCE)) {
          out.add(`${match[1] ?? ""}${match[2]}.${match[3]}`);
        }
      }
    }
  }
  return out;
}

/** The resource of the stack at `address`, if any. */
export function resourceAt(stack: StackView, address: string): ResourceView | undefined {
  if (address.startsWith("data.")) {
    const [, type, name] = address.split(".");
    return stack.dataSource(type, name);
  }
  const [type, name] = address.split(".");
  return stack.resources(type).find((candidate) => candidate.name === name);
}

/** Every address the resource waits for, transitively, within the stack. */
export function dependencyClosure(resource: ResourceView, stack: StackView): Set<string> {
  const seen = new Set<string>();
  const queue = [...directDependencies(resource)];
  while (queue.length > 0) {
    const address = queue.pop() as string;
    if (seen.has(address)) {
      continue;
    }
    seen.add(address);
    const next = resourceAt(stack, address);
    if (next !== undefined) {
      queue.push(...directDependencies(next));
    }
  }
  return seen;
}

/**
 * A key identifying the IAM role an argument refers to, whether the role is in this stack
 * (`${aws_iam_role.r.arn}`) or read from another stack's outputs
 * (`${data.terraform_remote_state.s.outputs.cross-stack-output-aws_iam_role<path><attr>}`):
 * the same role gives the same key whichever attribute (arn, id, name) is read.
 */
export function roleKey(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return undefined;
  }
  const local = /^\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(arn|id|name|unique_id)\}$/.exec(value);
  if (local !== null) {
    return `aws_iam_role.${local[1]}`;
  }
  const remote = /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.cross-stack-output-aws_iam_role(.+?)(arn|id|name|unique_id)\}$/.exec(value);
  return remote === null ? undefined : `remote:${remote[1]}:${remote[2]}`;
}

/** The stack's identity policies attached to the role `key` (inline policies and attachments). */
export function rolePolicies(stack: StackView, key: string): ResourceView[] {
  return [...stack.resources("aws_iam_role_policy"), ...stack.resources("aws_iam_role_policy_attachment")].filter((policy) => roleKey(policy.config.role) === key);
}
