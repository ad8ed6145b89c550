/**
 * IAM action patterns. Whether an action only reads is decided from its verb, following the
 * naming of the AWS service authorization reference, where actions of access level "Read" and
 * "List" start with one of {@link READ_VERBS}. A wildcard that may match any other verb
 * (`s3:*`, `s3:*Object`, `*`) counts as writing. A few reads expose secrets and count as
 * writing too ({@link SENSITIVE_READS}).
 */

/** Verbs of read-only actions (`s3:GetObject`, `ecr:BatchCheckLayerAvailability`, ...). */
export const READ_VERBS = ["Get", "List", "Describe", "BatchGet", "BatchCheck", "Head", "Search", "Query", "Scan", "Select", "Lookup", "View", "Filter"] as const;

/** Reads that hand out secrets: treated like writes (they need named resources). */
export const SENSITIVE_READS: ReadonlySet<string> = new Set([
  "secretsmanager:getsecretvalue",
  "ssm:getparameter",
  "ssm:getparameters",
  "ssm:getparametersbypath",
  "kms:decrypt",
]);

/** `*` or `<service>:*`: every action (of a service). */
export function isWildcardAction(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

const compiled = new Map<string, RegExp>();

/** True when the action pattern (`*` and `?` wildcards, any case) matches `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    regex = new RegExp(`^${source}$`, "i");
    compiled.set(pattern, regex);
  }
  return regex.test(action);
}

/** True when every action the pattern can match only reads. */
export function isReadOnlyAction(action: string): boolean {
  const colon = action.indexOf(":");
  if (colon < 0) {
    return false;
  }
  if ([...SENSITIVE_READS].some((sensitive) => actionMatches(action, sensitive))) {
    return false;
  }
  // The verb must begin with a whole read verb: `Get*` reads, `G*` and `*Object` may write.
  const verb = action.slice(colon + 1);
  return READ_VERBS.some((read) => verb.startsWith(read));
}
