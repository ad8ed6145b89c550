import { PortRange } from "../compute/dask";

/** Ports a Lustre client opens to its file system (988 and 1018-1023). */
export const LUSTRE_PORTS: readonly PortRange[] = [
  { from: 988, to: 988 },
  { from: 1018, to: 1023 },
];

/**
 * Tag on every security group naming the part of the system it guards (`scheduler`,
 * `workers`, `dashboard-lb`, `data-host`, ...), so that the reachability proof can find the
 * endpoints of each required flow in the synthesized Terraform.
 */
export const FLOW_ROLE_TAG = "proximate:flow-role";
