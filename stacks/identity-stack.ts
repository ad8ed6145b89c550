import { Fn } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { serviceTrust } from "../modules/iam";
import { stackName } from "../modules/naming";
import { RegionStack, RegionStackProps } from "./region-stack";

/**
 * Wave 1 (IAM is global; the stack lives in the client Region): the principals the catalog
 * domain trusts, created before the domain so that its access policy can name them and the
 * stacks that use them (notebook, indexers) need not be deployed first. Each role gets its
 * permissions in the stack that uses it.
 */
export class IdentityStack extends RegionStack {
  /** The notebook instance's role. */
  public readonly notebookRole: IamRole;
  /** Each worker Region's catalog indexer role, keyed by Region. */
  public readonly indexerRoles: ReadonlyMap<string, IamRole>;

  constructor(scope: Construct, props: RegionStackProps) {
    super(scope, stackName("identity", props.region), props);
    const name = props.topology.name;
    this.notebookRole = new IamRole(this, "notebook", {
      name: `${name}-notebook`,
      description: "SageMaker notebook instance of the scientists: catalog queries, Dask client",
      assumeRolePolicy: Fn.jsonencode(serviceTrust("sagemaker.amazonaws.com")),
    });
    const indexers = new Map<string, IamRole>();
    for (const worker of props.topology.workers) {
      indexers.set(
        worker.region,
        new IamRole(this, `indexer-${worker.region}`, {
          name: `${name}-indexer-${worker.region}`,
          description: `Catalog indexer of ${worker.region}: lists its datasets, writes catalog-${worker.region}`,
          // The indexer runs on Lambda, or, for datasets too large for it, as a Fargate task (modules/catalog/sizing.ts).
          assumeRolePolicy: Fn.jsonencode(
            worker.refresh?.runner === "fargate" ? serviceTrust("lambda.amazonaws.com", "ecs-tasks.amazonaws.com") : serviceTrust("lambda.amazonaws.com"),
          ),
        }),
      );
    }
    this.indexerRoles = indexers;
  }
}
