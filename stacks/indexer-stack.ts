import { Construct } from "constructs";
import { CatalogIndexer } from "../constructs/catalog-indexer";
import { CatalogIndexerTask } from "../constructs/catalog-indexer-task";
import { CatalogRefresh } from "../constructs/catalog-refresh";
import { RegionPlan } from "../modules/config/topology";
import { stackName } from "../modules/naming";
import { CatalogStack } from "./catalog-stack";
import { IdentityStack } from "./identity-stack";
import { NetworkStack } from "./network-stack";
import { PoolStack } from "./pool-stack";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of an {@link IndexerStack}. */
export interface IndexerStackProps extends RegionStackProps {
  readonly plan: RegionPlan;
  readonly network: NetworkStack;
  readonly pool: PoolStack;
  readonly catalog: CatalogStack;
  readonly identity: IdentityStack;
  /** Zip of the bundled indexer handler. */
  readonly indexerArchive: string;
  /** The bundled indexer (`index.js`), run by the Fargate runner. */
  readonly indexerBundle: string;
}

/**
 * Worker Region, fast, last wave: the catalog indexer and the nightly 00:00 UTC pipeline. It
 * needs the Region's file system (pool stack) and the catalog domain (client Region), which is
 * why it is a stack of its own: the two slow stacks it reads build in parallel, not in series.
 * Datasets too large for Lambda (`plan.refresh.runner`, see modules/catalog/sizing.ts) are
 * indexed by a Fargate task the pipeline starts; the Lambda function then only starts the first run.
 */
export class IndexerStack extends RegionStack {
  public readonly indexer: CatalogIndexer;
  public readonly refresh: CatalogRefresh;
  /** The Fargate runner, in Regions whose datasets need it. */
  public readonly task?: CatalogIndexerTask;

  constructor(scope: Construct, props: IndexerStackProps) {
    super(scope, stackName("indexer", props.plan.region), props);
    const { plan, topology } = props;
    const role = props.identity.indexerRoles.get(plan.region);
    if (role === undefined || plan.lustre === undefined || plan.refresh === undefined) {
      throw new Error(`${plan.region} is not a worker Region of this topology`);
    }
    const domain = props.catalog.catalog.domain;
    this.indexer = new CatalogIndexer(this, "indexer", {
      namePrefix: this.namePrefix,
      region: plan.region,
      vpc: props.network.network.vpc,
      subnets: props.network.network.privateSubnets,
      codeArchive: props.indexerArchive,
      role,
      openSearchEndpoint: `https://${domain.endpoint}`,
      openSearchArn: domain.arn,
      openSearchRegion: topology.client.region,
      clientCidr: topology.client.cidr,
      datasets: plan.datasets,
      logRetentionDays: topology.logRetentionDays,
    });
    const indexerEvent = {
      region: plan.region,
      mount: plan.lustre.mountPoint,
      datasets: plan.datasets.map((d) => ({ name: d.name, s3: d.s3, path: d.path })),
    };
    if (plan.refresh.runner === "fargate") {
      this.task = new CatalogIndexerTask(this, "indexer-task", {
        namePrefix: this.namePrefix,
        region: plan.region,
        subnets: props.network.network.privateSubnets,
        securityGroup: this.indexer.securityGroup,
        role,
        bundleFile: props.indexerBundle,
        event: indexerEvent,
        openSearchEndpoint: `https://${domain.endpoint}`,
        openSearchRegion: topology.client.region,
        // The pool stack already caches ECR Public when the Dask image comes from there: one rule per prefix and Region.
        ...(topology.daskImage.upstream === "public.ecr.aws" ? { publicImageCache: props.pool.images.rule } : {}),
        logRetentionDays: topology.logRetentionDays,
      });
    }
    const fileSystem = props.pool.lustre.fileSystem;
    this.refresh = new CatalogRefresh(this, "refresh", {
      namePrefix: this.namePrefix,
      region: plan.region,
      fileSystemId: fileSystem.id,
      fileSystemArn: fileSystem.arn,
      fileSystemOwnerId: fileSystem.ownerId,
      repositoryPaths: props.pool.lustre.repositoryPaths,
      indexer: this.indexer.function,
      indexerRole: role,
      indexerEvent,
      sizing: plan.refresh,
      ...(this.task === undefined ? {} : { task: this.task }),
      alarmEmail: topology.alarmEmail,
      logRetentionDays: topology.logRetentionDays,
    });
  }
}
