import { show } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** SageMaker: notebook instances reach the internet only through the VPC. */
export const sagemakerNoDirectInternet: GuardrailRule = {
  id: "SAGEMAKER-NO-DIRECT-INTERNET",
  description: 'Every SageMaker notebook instance has direct_internet_access = "Disabled" and a subnet_id (traffic goes through the VPC).',
  resourceTypes: ["aws_sagemaker_notebook_instance"],
  fix: 'Set direct_internet_access = "Disabled" with subnet_id and security_groups in the client VPC (NAT or endpoints give egress).',
  check(notebook) {
    if (notebook.config.direct_internet_access !== "Disabled") {
      return nonCompliant(`direct_internet_access is ${show(notebook.config.direct_internet_access)} (the provider's default is "Enabled")`);
    }
    return notebook.config.subnet_id === undefined ? nonCompliant("has no subnet_id: direct internet access can only be disabled in a VPC") : compliant();
  },
};
