/**
 * Grants no call uses. For every Allow statement of the identity policies the topology writes,
 * each action pattern and each resource pattern must serve at least one allowed call of a role
 * holding the policy; what serves none is reported. AWS-managed policies are summarised (how
 * many of their actions the role uses) rather than itemised: they are AWS's, attached whole.
 *
 * What fails the proof ("clearly excessive"): an unused grant of every action of a service or
 * of everything (`svc:*`, `*`), or an unused grant of a write or permissions-management action
 * on Resource `"*"`. Everything else is reported only: a narrower unused grant is a cleanup,
 * not a hole.
 */
import { Call } from "./calls";
import { CallVerdict } from "./evaluate";
import { globMatches } from "./glob";
import { actionData } from "./iam-data";
import { PolicyWorld } from "./policies";
import { describeStatement, Statement } from "./statements";

/** An unused part of a statement. */
export interface UnusedGrant {
  readonly statement: string;
  /** Role names holding the policy. */
  readonly holders: readonly string[];
  readonly kind: "action" | "resource";
  /** The action or resource pattern no call uses. */
  readonly pattern: string;
  /** Fails the proof (see the module comment). */
  readonly excessive: boolean;
  readonly note: string;
}

/** A managed policy's use by the roles holding it. */
export interface ManagedPolicyUse {
  readonly policy: string;
  readonly holders: readonly string[];
  /** Actions of allowed calls that this policy allowed. */
  readonly usedActions: readonly string[];
  /** Action patterns in the policy. */
  readonly grantedPatterns: number;
}

function usedBy(statement: Statement, verdicts: readonly CallVerdict[], holders: ReadonlySet<string>): { call: Call; arn: string }[] {
  const out: { call: Call; arn: string }[] = [];
  for (const verdict of verdicts) {
    if (verdict.call.caller.kind !== "role" || !holders.has(verdict.call.caller.arn)) {
      continue;
    }
    for (const resource of verdict.resources) {
      if (resource.allowedBy.includes(statement)) {
        out.push({ call: verdict.call, arn: resource.resource.arn });
      }
    }
  }
  return out;
}

function excessive(pattern: string, kind: "action" | "resource", statement: Statement): boolean {
  if (kind === "action") {
    if (pattern === "*" || /^[a-z0-9-]+:\*$/i.test(pattern)) {
      return true;
    }
    const action = actionData(pattern);
    const level = action?.accessLevel ?? "";
    return (statement.resources ?? []).includes("*") && action !== undefined && action.resourceTypes.length > 0 && (level === "Write" || level === "Permissions management");
  }
  return false;
}

/** Unused grants of the topology's own identity policies, and the use of AWS-managed ones. */
export function unusedGrants(world: PolicyWorld, verdicts: readonly CallVerdict[]): { readonly unused: UnusedGrant[]; readonly managed: ManagedPolicyUse[] } {
  const unused: UnusedGrant[] = [];
  const managed: ManagedPolicyUse[] = [];
  const roleName = (arn: string) => world.roles.get(arn)?.name ?? arn;
  for (const document of world.documents) {
    if (document.holders.length === 0) {
      continue;
    }
    const holders = new Set(document.holders);
    if (document.source.kind === "managed") {
      const used = new Set<string>();
      for (const statement of document.statements) {
        usedBy(statement, verdicts, holders).forEach(({ call }) => used.add(call.action));
      }
      managed.push({
        policy: document.source.name ?? document.source.address,
        holders: document.holders.map(roleName),
        usedActions: [...used].sort(),
        grantedPatterns: document.statements.reduce((sum, statement) => sum + (statement.actions?.length ?? 0), 0),
      });
      continue;
    }
    for (const statement of document.statements) {
      if (statement.effect !== "Allow") {
        continue;
      }
      const uses = usedBy(statement, verdicts, holders);
      const where = describeStatement(statement);
      const holderNames = document.holders.map(roleName);
      for (const pattern of statement.actions ?? []) {
        if (!uses.some(({ call }) => globMatches(pattern, call.action, true))) {
          unused.push({
            statement: where,
            holders: holderNames,
            kind: "action",
            pattern,
            excessive: excessive(pattern, "action", statement),
            note: `no call of ${holderNames.join(", ")} uses ${pattern}`,
          });
        }
      }
      for (const pattern of statement.resources ?? []) {
        if (uses.length > 0 && !uses.some(({ arn }) => globMatches(pattern, arn))) {
          unused.push({ statement: where, holders: holderNames, kind: "resource", pattern, excessive: false, note: `no allowed call of ${holderNames.join(", ")} touches ${pattern}` });
        }
      }
    }
  }
  return { unused, managed };
}
