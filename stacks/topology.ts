import { App } from "cdktf";
import { applyGuardrails, Guardrails } from "../constructs/guardrails";
import { ClusterCode } from "../modules/compute/scaling";
import { Topology } from "../modules/config/topology";
import { AcceptStack } from "./accept-stack";
import { CatalogStack } from "./catalog-stack";
import { IdentityStack } from "./identity-stack";
import { IndexerStack } from "./indexer-stack";
import { NotebookStack } from "./notebook-stack";
import { NetworkStack } from "./network-stack";
import { PeeringStack } from "./peering-stack";
import { PoolStack } from "./pool-stack";
import { RegionStack, StateLocation } from "./region-stack";
import { AcceptedPeering, RoutesStack } from "./routes-stack";
import { SchedulerStack } from "./scheduler-stack";

/** Options that come from the environment, resolved by main.ts. */
export interface BuildOptions {
  /**
   * Directory of the local state files with `backend: "local"`, as Terraform sees it from each
   * stack's directory (relative, so that the checkout can move: main.ts derives it).
   */
  readonly localStateDirectory: string;
  /** Zip of the bundled catalog indexer (scripts/lib/indexer-bundle.ts). */
  readonly indexerArchive: string;
  /**
   * The bundled indexer itself, for the Fargate runner.
   * @default the `index.js` the archive was zipped from: `.gen/indexer/<hash>/index.js` beside
   * `<hash>.zip` (scripts/lib/indexer-bundle.ts)
   */
  readonly indexerBundle?: string;
  /** Zip of the notebook bundle (scripts/lib/notebook-bundle.ts). */
  readonly notebookArchive: string;
  /**
   * Test-only: every stack talks to this emulated AWS API (PROXIMATE_AWS_ENDPOINT).
   * @default - AWS itself
   */
  readonly awsEndpoint?: string;
  /**
   * The date the guardrails judge support windows against (ISO `YYYY-MM-DD`).
   * @default - the current UTC date
   */
  readonly today?: string;
  /** The Dask preloads of the scheduler and the workers (scripts/lib/cluster-code.ts). */
  readonly clusterCode: ClusterCode;
}

/** Every stack of a topology, keyed by Region. */
export interface ProximateStacks {
  readonly network: ReadonlyMap<string, NetworkStack>;
  readonly peering: ReadonlyMap<string, PeeringStack>;
  readonly accept: ReadonlyMap<string, AcceptStack>;
  readonly routes: ReadonlyMap<string, RoutesStack>;
  readonly scheduler: SchedulerStack;
  readonly pools: ReadonlyMap<string, PoolStack>;
  readonly identity: IdentityStack;
  readonly catalog: CatalogStack;
  readonly indexers: ReadonlyMap<string, IndexerStack>;
  readonly notebook: NotebookStack;
  /** The guardrails checking every stack at synth; write their report after app.synth(). */
  readonly guardrails: Guardrails;
  /** Every stack in creation order. */
  readonly all: readonly RegionStack[];
}

function stateLocation(topology: Topology, options: BuildOptions): StateLocation {
  const state = topology.state;
  if (state.backend === "s3") {
    return { backend: "s3", bucket: state.bucket, region: state.region, keyPrefix: state.keyPrefix ?? topology.name };
  }
  if (state.backend === "cloud") {
    return {
      backend: "cloud",
      organization: state.organization,
      project: state.project,
      workspacePrefix: state.workspacePrefix ?? `${topology.name}-`,
      hostname: state.hostname ?? "app.terraform.io",
    };
  }
  return { backend: "local", directory: options.localStateDirectory };
}

function required<T>(map: ReadonlyMap<string, T>, key: string, what: string): T {
  const value = map.get(key);
  if (value === undefined) {
    throw new Error(`no ${what} for ${key}`);
  }
  return value;
}

/**
 * Composes the app from a resolved topology. The stack graph, in deploy waves:
 * 1. `network-<region>` for every Region (independent of each other);
 * 2. `peering-<region>`: peering requests (the client Region only accepts);
 * 3. `accept-<region>`: accepters of the requests made to that Region;
 * 4. `routes-<region>`: Transit Gateway routes over the accepted peerings.
 * The slow stacks depend only on their own Region's network stack, so they start in wave 2
 * and never wait for another Region's slow stack:
 * - `scheduler-<client>`: the Dask scheduler and its dashboard;
 * - `catalog-<client>`: the catalog's OpenSearch domain (also needs `identity-<client>`, wave 1:
 *   the roles its access policy admits);
 * - `pool-<worker>`: the Region's file system, Dask worker pool and data host.
 * Last, `indexer-<worker>` (fast) joins a worker Region's file system with the catalog domain.
 * `notebook-<client>` (slow: SageMaker) needs only the client network and the identity roles:
 * it finds the catalog domain by name at run time, so no path holds two slow stacks
 * (modules/review/slow-stacks.ts checks that).
 * The S3 state bucket is not a stack of the app: `npm run bootstrap` creates it (with the
 * account's service-linked roles) before the first `cdktf deploy '*'`, and `cdktf destroy '*'`
 * never touches it (scripts/deploy/bootstrap.ts, stacks/state-stack.ts).
 */
export function buildTopology(app: App, topology: Topology, options: BuildOptions): ProximateStacks {
  const state = stateLocation(topology, options);
  const all: RegionStack[] = [];
  const common = { topology, state, awsEndpoint: options.awsEndpoint };
  const track = <T extends RegionStack>(stack: T): T => {
    all.push(stack);
    return stack;
  };

  const network = new Map<string, NetworkStack>();
  for (const plan of topology.regions) {
    network.set(plan.region, track(new NetworkStack(app, { ...common, region: plan.region, plan })));
  }

  const peering = new Map<string, PeeringStack>();
  for (const plan of topology.regions) {
    const peers = topology.peerings.filter((p) => p.requester === plan.region).map((p) => required(network, p.accepter, "network stack"));
    if (peers.length > 0) {
      peering.set(
        plan.region,
        track(
          new PeeringStack(app, {
            ...common,
            region: plan.region,
            local: required(network, plan.region, "network stack"),
            peers,
            client: required(network, topology.client.region, "network stack"),
          }),
        ),
      );
    }
  }

  const accept = new Map<string, AcceptStack>();
  for (const plan of topology.regions) {
    const requesters = topology.peerings
      .filter((p) => p.accepter === plan.region)
      .map((p) => required(peering, p.requester, "peering stack"));
    if (requesters.length > 0) {
      accept.set(plan.region, track(new AcceptStack(app, { ...common, region: plan.region, requesters })));
    }
  }

  const cidrOf = new Map(topology.regions.map((plan) => [plan.region, plan.cidr]));
  const routes = new Map<string, RoutesStack>();
  for (const plan of topology.regions) {
    const peerings: AcceptedPeering[] = topology.peerings
      .filter((p) => p.requester === plan.region || p.accepter === plan.region)
      .map((p) => {
        const peerRegion = p.requester === plan.region ? p.accepter : p.requester;
        return {
          peerRegion,
          peerCidr: required(cidrOf, peerRegion, "CIDR"),
          accepter: required(required(accept, p.accepter, "accept stack").accepters, p.requester, "accepter"),
        };
      });
    routes.set(
      plan.region,
      track(new RoutesStack(app, { ...common, region: plan.region, local: required(network, plan.region, "network stack"), peerings })),
    );
  }

  const scheduler = track(
    new SchedulerStack(app, { ...common, region: topology.client.region, network: required(network, topology.client.region, "network stack"), clusterCode: options.clusterCode }),
  );
  const pools = new Map<string, PoolStack>();
  for (const plan of topology.workers) {
    pools.set(plan.region, track(new PoolStack(app, { ...common, region: plan.region, plan, network: required(network, plan.region, "network stack"), clusterCode: options.clusterCode })));
  }

  const clientNetwork = required(network, topology.client.region, "network stack");
  const identity = track(new IdentityStack(app, { ...common, region: topology.client.region }));
  const catalog = track(new CatalogStack(app, { ...common, region: topology.client.region, network: clientNetwork, identity }));
  const indexers = new Map<string, IndexerStack>();
  for (const plan of topology.workers) {
    indexers.set(
      plan.region,
      track(
        new IndexerStack(app, {
          ...common,
          region: plan.region,
          plan,
          network: required(network, plan.region, "network stack"),
          pool: required(pools, plan.region, "pool stack"),
          catalog,
          identity,
          indexerArchive: options.indexerArchive,
          indexerBundle: options.indexerBundle ?? options.indexerArchive.replace(/\.zip$/, "/index.js"),
        }),
      ),
    );
  }

  const notebook = track(
    new NotebookStack(app, { ...common, region: topology.client.region, network: clientNetwork, identity, bundleArchive: options.notebookArchive }),
  );

  const guardrails = applyGuardrails(app, { allowPublicDashboard: topology.dashboard.public, today: options.today });

  return { network, peering, accept, routes, scheduler, pools, identity, catalog, indexers, notebook, guardrails, all };
}
