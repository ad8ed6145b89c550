import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { CatalogDomain } from "../constructs/catalog-domain";
import { stackName } from "../modules/naming";
import { IdentityStack } from "./identity-stack";
import { NetworkStack } from "./network-stack";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of a {@link CatalogStack}. */
export interface CatalogStackProps extends RegionStackProps {
  readonly network: NetworkStack;
  readonly identity: IdentityStack;
}

/**
 * Client Region, slow: the dataset catalog's OpenSearch domain. Depends on the client Region's
 * network and the identity stack (the roles its access policy admits), never on a worker Region.
 */
export class CatalogStack extends RegionStack {
  public readonly catalog: CatalogDomain;

  constructor(scope: Construct, props: CatalogStackProps) {
    super(scope, stackName("catalog", props.region), props);
    const topology = props.topology;
    this.catalog = new CatalogDomain(this, "catalog", {
      namePrefix: this.namePrefix,
      plan: topology.catalog,
      vpc: props.network.network.vpc,
      subnets: props.network.network.privateSubnets,
      clientCidrs: Object.fromEntries(topology.regions.map((r) => [r.role === "client" ? "client" : r.region, r.cidr])),
      principalArns: [props.identity.notebookRole.arn, ...[...props.identity.indexerRoles.values()].map((role) => role.arn)],
      logRetentionDays: topology.logRetentionDays,
    });
    new TerraformOutput(this, "catalog-endpoint", {
      description: "Dataset catalog (OpenSearch, SigV4; aliases catalog-<region>), reachable from the notebook and the indexers",
      value: `https://${this.catalog.domain.endpoint}`,
    });
  }
}
