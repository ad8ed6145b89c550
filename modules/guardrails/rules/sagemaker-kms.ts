import { compliant, GuardrailRule, nonCompliant } from "../types";

/** SageMaker: the notebook's storage volume is encrypted with a named KMS key. */
export const sagemakerKms: GuardrailRule = {
  id: "SAGEMAKER-KMS",
  description: "Every SageMaker notebook instance sets kms_key_id (its ML storage volume is encrypted with that key).",
  resourceTypes: ["aws_sagemaker_notebook_instance"],
  fix: "Set kms_key_id to a customer managed KMS key (aws_kms_key with rotation enabled).",
  check(notebook) {
    const key = notebook.config.kms_key_id;
    return typeof key === "string" && key.trim() !== "" ? compliant() : nonCompliant("kms_key_id is unset");
  },
};
