/**
 * The flows the topology must carry, as data. Endpoints are security groups found by their
 * `proximate:flow-role` tag (modules/network/ports.ts), so a flow whose groups do not exist
 * yet is reported "not deployed" instead of failing, and is checked as soon as they appear.
 */
import { NANNY_PORTS, PortRange, SCHEDULER_PORT, WORKER_PORTS } from "../compute/dask";
import { LUSTRE_PORTS } from "../network/ports";

/** Which Regions an endpoint is looked for in. */
export type RegionScope =
  /** The Region of the Dask scheduler. */
  | "client"
  /** Every Region with a VPC except the client Region. */
  | "workers"
  /** Wherever a group with the role exists. */
  | "any";

/** One end of a flow: the security groups tagged `role` in the Regions of `regions`. */
export interface FlowEndpoint {
  readonly role: string;
  readonly regions: RegionScope;
}

/** A flow the topology must let through, checked hop by hop for every pair of endpoints. */
export interface FlowSpec {
  /** Stable name, printed in the matrix. */
  readonly id: string;
  readonly source: FlowEndpoint;
  readonly destination: FlowEndpoint;
  /** TCP port ranges; each is checked (and printed) separately. */
  readonly ports: readonly PortRange[];
  /** `all`: every source Region to every destination Region; `same-region`: within each Region only. */
  readonly pairing: "all" | "same-region";
  /**
   * Part of the topology today: a missing endpoint is a failure.
   * Otherwise the flow is reported "not deployed" until both endpoints exist.
   */
  readonly required: boolean;
}

const HTTPS: PortRange = { from: 443, to: 443 };
const SCHEDULER: PortRange = { from: SCHEDULER_PORT, to: SCHEDULER_PORT };

/** Every flow of the Dask topology and its catalog. */
export const FLOWS: readonly FlowSpec[] = [
  { id: "workers-to-scheduler", source: { role: "workers", regions: "workers" }, destination: { role: "scheduler", regions: "client" }, ports: [SCHEDULER], pairing: "all", required: true },
  { id: "scheduler-to-workers", source: { role: "scheduler", regions: "client" }, destination: { role: "workers", regions: "workers" }, ports: [WORKER_PORTS, NANNY_PORTS], pairing: "all", required: true },
  { id: "worker-to-worker", source: { role: "workers", regions: "workers" }, destination: { role: "workers", regions: "workers" }, ports: [WORKER_PORTS], pairing: "all", required: true },
  { id: "notebook-to-scheduler", source: { role: "notebook", regions: "client" }, destination: { role: "scheduler", regions: "client" }, ports: [SCHEDULER], pairing: "all", required: false },
  { id: "notebook-to-catalog", source: { role: "notebook", regions: "client" }, destination: { role: "opensearch", regions: "any" }, ports: [HTTPS], pairing: "all", required: false },
  { id: "indexer-to-catalog", source: { role: "indexer", regions: "workers" }, destination: { role: "opensearch", regions: "any" }, ports: [HTTPS], pairing: "all", required: false },
  { id: "worker-hosts-to-lustre", source: { role: "worker-hosts", regions: "workers" }, destination: { role: "lustre", regions: "workers" }, ports: LUSTRE_PORTS, pairing: "same-region", required: false },
  { id: "data-host-to-lustre", source: { role: "data-host", regions: "workers" }, destination: { role: "lustre", regions: "workers" }, ports: LUSTRE_PORTS, pairing: "same-region", required: false },
];
