import { block, referencedResource, show } from "../config";
import { compliant, GuardrailRule, nonCompliant, ResourceView } from "../types";

/** Why the metadata options allow IMDSv1, or undefined when they require tokens (or turn IMDS off). */
function imdsProblem(resource: ResourceView): string | undefined {
  const options = block(resource.config.metadata_options);
  if (options?.http_endpoint === "disabled" || options?.http_tokens === "required") {
    return undefined;
  }
  return `metadata_options.http_tokens is ${show(options?.http_tokens)} (IMDSv1 allowed)`;
}

/** Compute: instances and launch templates require IMDSv2 session tokens. */
export const ec2Imdsv2: GuardrailRule = {
  id: "EC2-IMDSV2",
  description: "Every launch template and instance requires IMDSv2 (metadata_options.http_tokens = \"required\").",
  resourceTypes: ["aws_launch_template", "aws_instance"],
  fix: 'Set metadata_options { http_endpoint = "enabled", http_tokens = "required", http_put_response_hop_limit = 1 }.',
  check(resource, { stack }) {
    const problem = imdsProblem(resource);
    if (problem === undefined) {
      return compliant();
    }
    if (resource.type === "aws_instance" && block(resource.config.metadata_options) === undefined) {
      const template = block(resource.config.launch_template);
      const source = referencedResource(stack, template?.id ?? template?.name, ["aws_launch_template"]);
      if (source !== undefined && imdsProblem(source) === undefined) {
        return compliant(`IMDSv2 required by ${source.address}`);
      }
    }
    return nonCompliant(problem);
  },
};
