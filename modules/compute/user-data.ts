/**
 * Boot scripts of Proximate's EC2 hosts, as plain text (values may be Terraform tokens, which
 * cdktf renders into the template). The text is a Terraform string: no double quotes, and no
 * `${` or `%{` sequences of its own (Terraform would read them as interpolation).
 */

/** A Lustre file system to mount. */
export interface LustreMount {
  /** The file system's DNS name. */
  readonly dnsName: string;
  /** The file system's mount name (per file system, not the same as its id). */
  readonly mountName: string;
  /** @default "/fsx" */
  readonly mountPoint?: string;
  /**
   * File system paths of the data repository associations (`/era5`): each must exist under the
   * mount point before a host serves.
   * @default none: only the mount itself is checked
   */
  readonly datasetPaths?: readonly string[];
}

/** Where the Lustre file system appears on every host and in worker containers. */
export const LUSTRE_MOUNT_POINT = "/fsx";

/** The script a host runs to tell whether its data is there (exit 0) or not (exit 1, reason on stderr). */
export const DATA_CHECK_SCRIPT = "/usr/local/sbin/proximate-data-ready";

/** How long a booting host waits for the mount and the dataset paths before it gives up. */
export const DATA_WAIT_SECONDS = 600;

/** Every dataset path under the mount point, e.g. `/fsx/era5`. */
export function datasetMountPaths(lustre: LustreMount): string[] {
  const mountPoint = lustre.mountPoint ?? LUSTRE_MOUNT_POINT;
  return (lustre.datasetPaths ?? []).map((path) => `${mountPoint}${path}`);
}

/**
 * The data check: the mount point holds a mounted Lustre file system and every dataset path is a
 * directory in it. Touching the paths first triggers the systemd automount after a reboot.
 */
function dataCheckLines(lustre: LustreMount): string[] {
  const mountPoint = lustre.mountPoint ?? LUSTRE_MOUNT_POINT;
  const paths = datasetMountPaths(lustre);
  return [
    `cat > ${DATA_CHECK_SCRIPT} <<'CHECK'`,
    "#!/bin/bash",
    `# Exit 0 only when ${mountPoint} is a mounted Lustre file system holding every dataset path.`,
    `ls ${mountPoint}/ >/dev/null 2>&1 || true`,
    `findmnt --types lustre --mountpoint ${mountPoint} >/dev/null || { echo 'proximate: ${mountPoint} is not a mounted Lustre file system' >&2; exit 1; }`,
    ...paths.map((path) => `test -d ${path} || { echo 'proximate: dataset path ${path} is missing' >&2; exit 1; }`),
    "exit 0",
    "CHECK",
    `chmod 0755 ${DATA_CHECK_SCRIPT}`,
  ];
}

/**
 * Installs the Lustre client, mounts the file system (and on every boot, through /etc/fstab as
 * the FSx docs show), then waits, bounded, until the data check passes: the file system may
 * still be linking its last association when the host boots.
 * https://docs.aws.amazon.com/fsx/latest/LustreGuide/install-lustre-client.html
 * https://docs.aws.amazon.com/fsx/latest/LustreGuide/mount-fs-auto-mount-onreboot.html
 */
function lustreLines(lustre: LustreMount): string[] {
  const mountPoint = lustre.mountPoint ?? LUSTRE_MOUNT_POINT;
  return [
    "# FSx for Lustre client (Amazon Linux 2023 repositories are reached through the S3 gateway endpoint)",
    "for attempt in 1 2 3; do dnf install -y lustre-client && break; [ $attempt -lt 3 ] || fail 'could not install lustre-client'; sleep 15; done",
    `mkdir -p ${mountPoint}`,
    `echo '${lustre.dnsName}@tcp:/${lustre.mountName} ${mountPoint} lustre defaults,noatime,flock,_netdev,x-systemd.automount,x-systemd.requires=network.service 0 0' >> /etc/fstab`,
    "systemctl daemon-reload",
    ...dataCheckLines(lustre),
    `for attempt in $(seq 1 ${DATA_WAIT_SECONDS / 15}); do`,
    `  findmnt --types lustre --mountpoint ${mountPoint} >/dev/null || mount ${mountPoint} || true`,
    `  ${DATA_CHECK_SCRIPT} && break`,
    `  [ $attempt -lt ${DATA_WAIT_SECONDS / 15} ] || fail 'the file system or a dataset path is still missing after ${DATA_WAIT_SECONDS} s'`,
    "  sleep 15",
    "done",
  ];
}

/** Common head: strict mode and `fail`, which logs to the console (EC2 GetConsoleOutput) and stops. */
function headLines(onFailure: readonly string[]): string[] {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "fail() {",
    "  echo proximate: boot failed: $1 | tee /dev/console >&2",
    ...onFailure.map((line) => `  ${line}`),
    "  exit 1",
    "}",
    "trap 'fail line-$LINENO' ERR",
  ];
}

/** What a worker host's memory is planned for (see `sizeWorkers`). */
export interface HostMemory {
  /** `ECS_RESERVED_MEMORY`, MiB: kept out of what the agent registers, for the agent and the OS. */
  readonly agentReservedMemoryMiB: number;
  /** Memory all the host's tasks ask for together, MiB. */
  readonly tasksMemoryMiB: number;
}

/**
 * The agent registers `MemTotal - ECS_RESERVED_MEMORY`; when that is less than the tasks ask for,
 * they are never placed on this host. The sizing leaves a margin for that; if a new AMI or
 * instance generation eats it, the console says so instead of tasks pending silently.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html
 */
function memoryCheckLines(memory: HostMemory): string[] {
  return [
    "registered=$(( $(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo) - " + `${memory.agentReservedMemoryMiB} ))`,
    `if [ $registered -lt ${memory.tasksMemoryMiB} ]; then`,
    `  echo proximate: warning: the ECS agent will register $registered MiB but the tasks of this host need ${memory.tasksMemoryMiB} MiB: they will not be placed | tee /dev/console`,
    "fi",
  ];
}

/**
 * User data of an ECS container instance. The host joins its cluster only once its data is there:
 *
 * - The ECS agent of the ECS-optimized AMI (`ecs.service`) starts after `cloud-final.service`,
 *   i.e. after this script, and reads `/etc/ecs/ecs.config`; without `ECS_CLUSTER` it registers
 *   into the cluster named `default`. So `ECS_CLUSTER` is written first, and a systemd drop-in
 *   makes the data check an `ExecStartPre` of the agent: on this boot and every reboot, the agent
 *   does not start (does not register, is given no task) while the mount or a dataset path is
 *   missing.
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bootstrap_container_instance.html
 *   https://github.com/aws/amazon-ecs-agent/blob/master/packaging/amazon-linux-ami-integrated/ecs.service
 * - When the client cannot be installed or the data does not appear in time, the host powers
 *   off: an instance in any state other than `running` is unhealthy to its Auto Scaling group,
 *   which replaces it (scale-in protection does not prevent health replacement). No API call, so
 *   no permission and no endpoint is needed in a Region without internet egress.
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/health-checks-overview.html
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-instance-protection.html
 */
export function ecsInstanceUserData(clusterName: string, lustre?: LustreMount, memory?: HostMemory): string {
  return [
    ...headLines(["systemctl --no-block poweroff"]),
    "# The ECS agent starts only when the data check passes (this boot and every reboot).",
    "mkdir -p /etc/systemd/system/ecs.service.d",
    "cat > /etc/systemd/system/ecs.service.d/50-proximate-data.conf <<'UNIT'",
    "[Service]",
    `ExecStartPre=${DATA_CHECK_SCRIPT}`,
    "UNIT",
    ...(lustre ? [] : [`cat > ${DATA_CHECK_SCRIPT} <<'CHECK'`, "#!/bin/bash", "# No file system in this Region: workers read the datasets from S3.", "exit 0", "CHECK", `chmod 0755 ${DATA_CHECK_SCRIPT}`]),
    "systemctl daemon-reload",
    "cat >> /etc/ecs/ecs.config <<'CONFIG'",
    `ECS_CLUSTER=${clusterName}`,
    "ECS_AWSVPC_BLOCK_IMDS=true",
    "ECS_ENABLE_CONTAINER_METADATA=true",
    ...(memory ? [`ECS_RESERVED_MEMORY=${memory.agentReservedMemoryMiB}`] : []),
    "CONFIG",
    ...(memory ? memoryCheckLines(memory) : []),
    ...(lustre ? lustreLines(lustre) : []),
    "echo proximate: data ready, joining ECS cluster | tee /dev/console",
    "",
  ].join("\n");
}

/**
 * User data of the data host: mount Lustre when the Region has a file system. It fails (cloud-init
 * reports the error, the console says why) unless the mount is up and every dataset path exists.
 */
export function dataHostUserData(lustre?: LustreMount): string {
  return [...headLines([]), ...(lustre ? lustreLines(lustre) : ["# No Lustre file system in this Region yet."]), ""].join("\n");
}
