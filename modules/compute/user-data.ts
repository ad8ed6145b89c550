/**
 * Boot scripts of Proximate's EC2 hosts, as plain text (values may be Terraform tokens, which
 * cdktf renders into the template).
 */

/** A Lustre file system to mount. */
export interface LustreMount {
  /** The file system's DNS name. */
  readonly dnsName: string;
  /** The file system's mount name (per file system, not the same as its id). */
  readonly mountName: string;
  /** @default "/fsx" */
  readonly mountPoint?: string;
}

/** Where the Lustre file system appears on every host and in worker containers. */
export const LUSTRE_MOUNT_POINT = "/fsx";

function lustreLines(lustre: LustreMount): string[] {
  const mountPoint = lustre.mountPoint ?? LUSTRE_MOUNT_POINT;
  return [
    "# FSx for Lustre client (Amazon Linux 2023 repositories are reached through the S3 gateway endpoint)",
    "dnf install -y lustre-client",
    `mkdir -p ${mountPoint}`,
    // Single quotes only: the text is a Terraform string (cdktf rejects unescaped double quotes).
    `echo '${lustre.dnsName}@tcp:/${lustre.mountName} ${mountPoint} lustre defaults,noatime,flock,_netdev,x-systemd.automount,x-systemd.requires=network.service 0 0' >> /etc/fstab`,
    `mount ${mountPoint} || (sleep 30 && mount ${mountPoint})`,
  ];
}

/** User data of an ECS container instance: join the cluster, block task access to IMDS, mount Lustre. */
export function ecsInstanceUserData(clusterName: string, lustre?: LustreMount): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "cat >> /etc/ecs/ecs.config <<'CONFIG'",
    `ECS_CLUSTER=${clusterName}`,
    "ECS_AWSVPC_BLOCK_IMDS=true",
    "ECS_ENABLE_CONTAINER_METADATA=true",
    "CONFIG",
    ...(lustre ? lustreLines(lustre) : []),
    "",
  ].join("\n");
}

/** User data of the data host: mount Lustre when the Region has a file system. */
export function dataHostUserData(lustre?: LustreMount): string {
  return ["#!/bin/bash", "set -euo pipefail", ...(lustre ? lustreLines(lustre) : ["# No Lustre file system in this Region yet."]), ""].join("\n");
}
