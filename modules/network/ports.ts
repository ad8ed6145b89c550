import { PortRange } from "../compute/dask";

/** Ports a Lustre client opens to its file system (988 and 1018-1023). */
export const LUSTRE_PORTS: readonly PortRange[] = [
  { from: 988, to: 988 },
  { from: 1018, to: 1023 },
];
