import { AMI_FAMILIES, LAMBDA_RUNTIMES, NOTEBOOK_DEFAULT_PLATFORM, NOTEBOOK_PLATFORMS, OPENSEARCH_VERSIONS, SUPPORT_WARNING_DAYS, supportStatus, SupportWindow } from "../../aws/support-dates";
import { block } from "../config";
import { isExpression } from "../refs";
import { compliant, GuardrailRule, nonCompliant, notApplicable, RuleResult, warning } from "../types";

function judge(table: readonly SupportWindow[], what: string, id: unknown, today: string): RuleResult {
  if (typeof id !== "string" || isExpression(id)) {
    return notApplicable(`${what} not a literal`);
  }
  const status = supportStatus(table, id, today);
  switch (status.state) {
    case "unknown":
      return nonCompliant(`${what} ${JSON.stringify(id)} has no known support window (add it to modules/aws/support-dates.ts with its AWS doc)`);
    case "ended":
      return nonCompliant(
        `${what} ${JSON.stringify(id)} reached end of support on ${status.window.ends} (${-status.days} days before ${today})${status.window.successor ? `; use ${status.window.successor}` : ""} (${status.window.doc})`,
      );
    case "ending":
      return warning(
        `${what} ${JSON.stringify(id)} reaches end of support on ${status.window.ends}, in ${status.days} days${status.window.successor ? `; plan the move to ${status.window.successor}` : ""} (${status.window.doc})`,
      );
    case "supported":
      return compliant(status.window?.ends !== undefined ? `${id} supported until ${status.window.ends}` : `${id}: no end of support announced`);
  }
}

/**
 * End of support: runtimes and platforms past their end-of-support date fail, those within
 * SUPPORT_WARNING_DAYS (120) of it warn; "today" is an option of the guardrails (tests fix it).
 * Dates and docs: modules/aws/support-dates.ts.
 */
export const endOfSupport: GuardrailRule = {
  id: "END-OF-SUPPORT",
  description: `Lambda runtimes, SageMaker notebook platforms, AMI families and OpenSearch versions are not past their end of support (warning ${SUPPORT_WARNING_DAYS} days ahead).`,
  resourceTypes: ["aws_lambda_function", "aws_sagemaker_notebook_instance", "aws_launch_template", "aws_instance", "aws_opensearch_domain"],
  fix: "Move to the successor named in the problem (modules/aws/support-dates.ts lists the supported versions and their end dates).",
  check(resource, { options }) {
    const today = options.today;
    switch (resource.type) {
      case "aws_lambda_function":
        return resource.config.package_type === "Image" ? notApplicable("container image function") : judge(LAMBDA_RUNTIMES, "runtime", resource.config.runtime, today);
      case "aws_sagemaker_notebook_instance":
        if (resource.config.platform_identifier === undefined) {
          // SageMaker's default for new instances (modules/aws/support-dates.ts).
          return judge(NOTEBOOK_PLATFORMS, "platform_identifier (unset: SageMaker's default)", NOTEBOOK_DEFAULT_PLATFORM, today);
        }
        return judge(NOTEBOOK_PLATFORMS, "platform_identifier", resource.config.platform_identifier, today);
      case "aws_opensearch_domain": {
        const version = resource.config.engine_version;
        if (typeof version === "string" && /^OpenSearch_2\.\d+$/.test(version) && !OPENSEARCH_VERSIONS.some((v) => v.id === version)) {
          return compliant(`${version}: no end of standard support announced for OpenSearch 2.x`);
        }
        return judge(OPENSEARCH_VERSIONS, "engine_version", version, today);
      }
      default: {
        const image = resource.type === "aws_instance" ? resource.config.ami : resource.config.image_id;
        if (image === undefined && resource.type === "aws_instance" && block(resource.config.launch_template) !== undefined) {
          return notApplicable("image from its launch template");
        }
        if (typeof image !== "string" || !image.startsWith("resolve:ssm:")) {
          return notApplicable("image not resolved from a public SSM parameter");
        }
        const parameter = image.slice("resolve:ssm:".length);
        const family = AMI_FAMILIES.find((f) => parameter.startsWith(f.parameterPrefix));
        if (family === undefined) {
          return nonCompliant(`the AMI parameter ${parameter} is of no known family (add it to AMI_FAMILIES in modules/aws/support-dates.ts)`);
        }
        return judge(AMI_FAMILIES, "AMI family", family.id, today);
      }
    }
  },
};
