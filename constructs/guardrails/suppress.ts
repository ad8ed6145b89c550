import { IConstruct } from "constructs";
import { Suppression, validateSuppression } from "../../modules/guardrails/suppressions";

/** Construct metadata type under which suppressions are recorded. */
export const SUPPRESSION_METADATA = "proximate:guardrails:suppression";

/**
 * Switches a guardrail rule off for `scope` and every resource under it, with a written
 * reason that the guardrail report shows next to each finding it suppresses. Throws when the
 * rule does not exist or the reason is empty (or shorter than 10 characters).
 *
 * @example suppress(roles.executionPolicy, "IAM-NO-WILDCARD-RESOURCE", "ecr:GetAuthorizationToken acts on the registry: AWS accepts only Resource \"*\"")
 */
export function suppress(scope: IConstruct, ruleId: string, reason: string): void {
  const suppression = validateSuppression(scope.node.path, ruleId, reason);
  scope.node.addMetadata(SUPPRESSION_METADATA, suppression);
}

/** The suppressions recorded directly on a construct (not its scopes). */
export function suppressionsOn(construct: IConstruct): readonly Suppression[] {
  return construct.node.metadata.filter((entry) => entry.type === SUPPRESSION_METADATA).map((entry) => entry.data as Suppression);
}
