import { show } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** SageMaker: notebook users are not root. */
export const sagemakerNoRootAccess: GuardrailRule = {
  id: "SAGEMAKER-NO-ROOT-ACCESS",
  description: 'Every SageMaker notebook instance has root_access = "Disabled".',
  resourceTypes: ["aws_sagemaker_notebook_instance"],
  fix: 'Set root_access = "Disabled"; install packages into the user\'s environment or a lifecycle configuration.',
  check(notebook) {
    return notebook.config.root_access === "Disabled"
      ? compliant()
      : nonCompliant(`root_access is ${show(notebook.config.root_access)} (the provider's default is "Enabled")`);
  },
};
