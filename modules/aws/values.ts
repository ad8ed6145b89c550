/**
 * Values AWS accepts for request members the topology config sets, from the services' API
 * models (`API_ENUMS` in api-models.generated.ts, `npm run generate:aws-models`): the config
 * validator refuses what the API would.
 */
import { API_ENUMS } from "./api-models.generated";

/** Enum members the generator reads, as `<service>:<Operation>.<Member path>`. */
export const ENUM_MEMBERS: readonly string[] = [
  // SageMaker notebook instance types. Doc: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstance.html
  "sagemaker:CreateNotebookInstance.InstanceType",
  // OpenSearch Service data node types. Doc: https://docs.aws.amazon.com/opensearch-service/latest/APIReference/API_ClusterConfig.html
  "opensearch:CreateDomain.ClusterConfig.InstanceType",
];

/** The values of an enum member (empty when the table lacks it). */
export function apiEnum(key: string): readonly string[] {
  return API_ENUMS[key] ?? [];
}

export const NOTEBOOK_INSTANCE_TYPES = (): readonly string[] => apiEnum("sagemaker:CreateNotebookInstance.InstanceType");
export const OPENSEARCH_INSTANCE_TYPES = (): readonly string[] => apiEnum("opensearch:CreateDomain.ClusterConfig.InstanceType");
