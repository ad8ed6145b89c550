import { instanceType } from "../compute/instance-types";
import { FlatPrice, KeyedPrice, MissingPriceError, PriceBook, UnitPrice } from "./prices";
import { costClass, FREE_TYPES, USAGE_TYPES } from "./resource-types";

/**
 * A monthly cost estimate of a synthesized app, read from the stacks' Terraform JSON (never
 * from the config, so it prices exactly what would be deployed): per Region and component, the
 * idle part (what runs before any work: NAT gateways, endpoints, attachments, file systems, the
 * catalog domain, the notebook, the scheduler, the dashboard, data hosts, the minimum worker
 * hosts, keys, alarms) and the price of one more worker-host hour, plus the data transfer unit
 * prices (volumes are not guessed). An estimate: on-demand list prices, no tax, no free tier, no
 * usage.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One synthesized stack. */
export interface StackJson {
  readonly name: string;
  readonly json: Json;
}

/** One line of the idle (fixed) monthly cost. */
export interface CostLine {
  readonly region: string;
  readonly component: string;
  /** How the amount is made, e.g. `2 x 730 h x $0.045`. */
  readonly basis: string;
  readonly monthlyUsd: number;
  /** True when a price of this line is marked unverified in the table. */
  readonly unverified: boolean;
  /** True when a price of this line is a third party's quote, not AWS's own data. */
  readonly thirdParty: boolean;
}

/** What one more running worker host costs per hour in a Region. */
export interface HostHourRate {
  readonly region: string;
  readonly instanceType: string;
  readonly volumeGiB: number;
  readonly hourlyUsd: number;
  readonly unverified: boolean;
  readonly thirdParty: boolean;
}

/** A data transfer unit price (volumes are not estimated). */
export interface TransferRate {
  readonly region: string;
  readonly what: string;
  readonly usdPerGb: number;
  readonly unverified: boolean;
  readonly thirdParty: boolean;
}

/** Resources that cost only with use, or nothing: counted, not priced. */
export interface CountedType {
  readonly type: string;
  readonly count: number;
  readonly note: string;
}

/** The whole estimate. */
export interface Estimate {
  readonly regions: readonly string[];
  readonly lines: readonly CostLine[];
  readonly hostHours: readonly HostHourRate[];
  readonly transfer: readonly TransferRate[];
  readonly usage: readonly CountedType[];
  readonly free: readonly CountedType[];
  readonly fixedMonthlyUsd: number;
  readonly hoursPerMonth: number;
  readonly compiled: string;
  /** Sources of the prices used, by id. */
  readonly sources: readonly string[];
}

/** Thrown for a resource type that is neither priced, usage-priced nor listed as free. */
export class UnclassifiedTypeError extends Error {}

const REF = /^\$\{(aws_[a-z0-9_]+)\.([^.}]+)\./;

/** The resource a `${type.name.attr}` reference points at, within the stack. */
function referenced(stack: Json, ref: unknown): Json | undefined {
  const match = typeof ref === "string" ? REF.exec(ref) : null;
  return match ? stack.resource?.[match[1]]?.[match[2]] : undefined;
}

function money(usd: number): string {
  return `$${Number(usd.toPrecision(4))}`;
}

/** Builds the estimate. Throws {@link MissingPriceError} or {@link UnclassifiedTypeError} rather than guess. */
export function estimateCost(stacks: readonly StackJson[], book: PriceBook = new PriceBook()): Estimate {
  const hours = book.table.hoursPerMonth;
  const lines: CostLine[] = [];
  const hostHours: HostHourRate[] = [];
  const usage = new Map<string, number>();
  const free = new Map<string, { count: number; note: string }>();
  const used = new Set<string>();
  const regions = new Set<string>();

  const unit = (region: string, key: FlatPrice): UnitPrice => {
    const price = book.price(region, key);
    used.add(price.source);
    return price;
  };
  const keyed = (region: string, key: KeyedPrice, attribute: string): UnitPrice => {
    const price = book.keyed(region, key, attribute);
    used.add(price.source);
    return price;
  };
  const line = (region: string, component: string, parts: readonly [number, string, UnitPrice][]) => {
    // parts: quantity, unit label, unit price (per unit label)
    const monthlyUsd = parts.reduce((sum, [quantity, , price]) => sum + quantity * price.usd, 0);
    const basis = parts.map(([quantity, label, price]) => `${quantity} ${label} x ${money(price.usd)}${book.mark(price)}`).join(" + ");
    lines.push({
      region,
      component,
      basis,
      monthlyUsd,
      unverified: parts.some(([, , price]) => book.unverified(price)),
      thirdParty: parts.some(([, , price]) => book.thirdParty(price)),
    });
  };
  const freeAs = (type: string, note: string) => {
    const entry = free.get(type) ?? { count: 0, note };
    entry.count += 1;
    free.set(type, entry);
  };

  for (const { name, json: stack } of stacks) {
    const region = stack.provider?.aws?.[0]?.region as string | undefined;
    const blocks: [string, Json][] = [
      ...Object.entries((stack.resource ?? {}) as Record<string, Json>),
      ...Object.entries((stack.data ?? {}) as Record<string, Json>).map(([type, byName]) => [`data.${type}`, byName] as [string, Json]),
    ];
    for (const [type, byName] of blocks) {
      const cls = costClass(type);
      if (cls === undefined) {
        throw new UnclassifiedTypeError(
          `cost: ${name} holds ${type}, which modules/cost/resource-types.ts neither prices, lists as usage-priced nor lists as free; classify it there (and price it in estimate.ts if it has an idle cost)`,
        );
      }
      for (const resource of Object.values(byName)) {
        if (cls === "usage") {
          usage.set(type, (usage.get(type) ?? 0) + 1);
        } else if (cls === "free") {
          freeAs(type, FREE_TYPES[type]);
        } else {
          if (region === undefined) {
            throw new MissingPriceError(`cost: ${name} holds ${type} but has no AWS provider Region`);
          }
          regions.add(region);
          priceResource(type, resource, stack, region);
        }
      }
    }
  }

  function priceResource(type: string, r: Json, stack: Json, region: string): void {
    switch (type) {
      case "aws_nat_gateway":
        return line(region, "NAT gateway", [[hours, "h", unit(region, "natGatewayHour")]]);
      case "aws_eip":
        return line(region, "Public IPv4 address (NAT)", [[hours, "h", unit(region, "publicIpv4Hour")]]);
      case "aws_vpc_endpoint": {
        if (r.vpc_endpoint_type !== "Interface") {
          return freeAs("aws_vpc_endpoint (Gateway)", "gateway endpoints have no charge");
        }
        const zones = Array.isArray(r.subnet_ids) ? r.subnet_ids.length : 1;
        const service = String(r.service_name ?? "").split(".").slice(3).join(".") || "interface";
        return line(region, `Interface endpoint ${service}`, [[zones * hours, "AZ-h", unit(region, "interfaceEndpointAzHour")]]);
      }
      case "aws_ec2_transit_gateway_vpc_attachment":
        return line(region, "Transit Gateway VPC attachment", [[hours, "h", unit(region, "transitGatewayAttachmentHour")]]);
      case "aws_ec2_transit_gateway_peering_attachment":
        return line(region, `Transit Gateway peering to ${r.peer_region}`, [[hours, "h", unit(region, "transitGatewayAttachmentHour")]]);
      case "aws_ec2_transit_gateway_peering_attachment_accepter":
        return line(region, "Transit Gateway peering (accepter side)", [[hours, "h", unit(region, "transitGatewayAttachmentHour")]]);
      case "aws_fsx_lustre_file_system": {
        if (r.deployment_type !== "PERSISTENT_2" || (r.storage_type ?? "SSD") !== "SSD") {
          throw new MissingPriceError(`cost: FSx for Lustre ${r.deployment_type}/${r.storage_type} is not priced; modules/cost prices PERSISTENT_2 SSD`);
        }
        const tier = String(r.per_unit_storage_throughput);
        return line(region, `FSx for Lustre ${r.storage_capacity} GiB, ${tier} MB/s/TiB`, [
          [Number(r.storage_capacity), "GB-mo", keyed(region, "fsxLustrePersistent2SsdGbMonth", tier)],
        ]);
      }
      case "aws_opensearch_domain": {
        const cluster = r.cluster_config ?? {};
        const count = Number(cluster.instance_count ?? 1);
        const parts: [number, string, UnitPrice][] = [[count * hours, `${cluster.instance_type} h`, keyed(region, "opensearchInstanceHour", cluster.instance_type)]];
        if (cluster.dedicated_master_enabled) {
          parts.push([Number(cluster.dedicated_master_count) * hours, `${cluster.dedicated_master_type} h`, keyed(region, "opensearchInstanceHour", cluster.dedicated_master_type)]);
        }
        if (cluster.warm_enabled) {
          throw new MissingPriceError("cost: OpenSearch UltraWarm nodes are not priced in modules/cost");
        }
        const ebs = r.ebs_options ?? {};
        if (ebs.ebs_enabled) {
          if ((ebs.volume_type ?? "gp3") !== "gp3") {
            throw new MissingPriceError(`cost: OpenSearch ${ebs.volume_type} storage is not priced; modules/cost prices gp3`);
          }
          parts.push([count * Number(ebs.volume_size), "GB-mo", unit(region, "opensearchGp3GbMonth")]);
        }
        return line(region, `Catalog domain ${count} x ${cluster.instance_type} + storage`, parts);
      }
      case "aws_sagemaker_notebook_instance":
        return line(region, `Notebook ${r.instance_type} + ${r.volume_size ?? 5} GB volume`, [
          [hours, "h", keyed(region, "sagemakerNotebookHour", r.instance_type)],
          [Number(r.volume_size ?? 5), "GB-mo", unit(region, "sagemakerStorageGbMonth")],
        ]);
      case "aws_ecs_service": {
        const task = referenced(stack, r.task_definition);
        const fargate = r.launch_type === "FARGATE" || (r.capacity_provider_strategy ?? []).some((s: Json) => /^FARGATE/.test(String(s.capacity_provider)));
        if (!fargate) {
          return freeAs("aws_ecs_service (EC2)", "runs on the worker hosts, which are priced");
        }
        if (task === undefined) {
          throw new MissingPriceError(`cost: Fargate service ${r.name} has no task definition in its stack`);
        }
        const count = Number(r.desired_count ?? 0);
        const vcpu = Number(task.cpu) / 1024;
        const gb = Number(task.memory) / 1024;
        return line(region, `Fargate ${r.name} ${count} x ${vcpu} vCPU/${gb} GB`, [
          [count * vcpu * hours, "vCPU-h", unit(region, "fargateVcpuHour")],
          [count * gb * hours, "GB-h", unit(region, "fargateGbHour")],
        ]);
      }
      case "aws_lb":
        if ((r.load_balancer_type ?? "application") !== "application") {
          throw new MissingPriceError(`cost: ${r.load_balancer_type} load balancers are not priced in modules/cost`);
        }
        return line(region, `Dashboard load balancer (${r.internal ? "internal" : "internet-facing"})`, [[hours, "h", unit(region, "albHour")]]);
      case "aws_instance": {
        const template = referenced(stack, r.launch_template?.id);
        const type = r.instance_type ?? template?.instance_type;
        const volume = Number(r.root_block_device?.volume_size ?? template?.block_device_mappings?.[0]?.ebs?.volume_size ?? 8);
        return line(region, `Data host ${type} + ${volume} GiB gp3`, [
          [hours, "h", keyed(region, "ec2InstanceHour", type)],
          [volume, "GB-mo", unit(region, "ebsGp3GbMonth")],
        ]);
      }
      case "aws_autoscaling_group":
        return priceWorkerHosts(r, stack, region);
      case "aws_kms_key":
        return line(region, "KMS key", [[1, "key-mo", unit(region, "kmsKeyMonth")]]);
      case "aws_cloudwatch_metric_alarm":
        return line(region, "CloudWatch alarm", [[1, "alarm-mo", unit(region, "cloudwatchAlarmMonth")]]);
      case "aws_service_discovery_private_dns_namespace":
        return line(region, `Private DNS zone ${r.name}`, [[1, "zone-mo", unit(region, "route53HostedZoneMonth")]]);
      default:
        throw new UnclassifiedTypeError(`cost: ${type} is listed as priced but estimate.ts has no price for it`);
    }
  }

  /**
   * Worker hosts: the ASG's minimum, or more when the ECS services placed on it keep tasks
   * running (desired count over the tasks one host holds by CPU), priced as always on; and the
   * rate of one more host-hour (instance + its gp3 root volume).
   */
  function priceWorkerHosts(asg: Json, stack: Json, region: string): void {
    const template = referenced(stack, asg.launch_template?.id);
    const type = template?.instance_type as string | undefined;
    if (type === undefined) {
      throw new MissingPriceError(`cost: the Auto Scaling group ${asg.name} has no launch template with an instance type in its stack`);
    }
    const volume = Number(template?.block_device_mappings?.[0]?.ebs?.volume_size ?? 8);
    const asgAddress = Object.entries(stack.resource?.aws_autoscaling_group ?? {}).find(([, value]) => value === asg)?.[0];
    const providers = Object.entries((stack.resource?.aws_ecs_capacity_provider ?? {}) as Record<string, Json>)
      .filter(([, cp]) => String(cp.auto_scaling_group_provider?.auto_scaling_group_arn ?? "").includes(`aws_autoscaling_group.${asgAddress}.`))
      .map(([address]) => address);
    let tasks = 0;
    let tasksPerHost = Number.POSITIVE_INFINITY;
    for (const service of Object.values((stack.resource?.aws_ecs_service ?? {}) as Record<string, Json>)) {
      const onThisAsg = (service.capacity_provider_strategy ?? []).some((s: Json) => providers.some((p) => String(s.capacity_provider).includes(`aws_ecs_capacity_provider.${p}.`)));
      const task = referenced(stack, service.task_definition);
      if (onThisAsg && task !== undefined) {
        tasks += Number(service.desired_count ?? 0);
        tasksPerHost = Math.min(tasksPerHost, Math.max(1, Math.floor((instanceType(type).vcpus * 1024) / Number(task.cpu))));
      }
    }
    const minHosts = Math.max(Number(asg.min_size ?? 0), tasks > 0 ? Math.ceil(tasks / tasksPerHost) : 0);
    const instance = keyed(region, "ec2InstanceHour", type);
    const ebs = unit(region, "ebsGp3GbMonth");
    hostHours.push({
      region,
      instanceType: type,
      volumeGiB: volume,
      hourlyUsd: instance.usd + (volume * ebs.usd) / hours,
      unverified: book.unverified(instance) || book.unverified(ebs),
      thirdParty: book.thirdParty(instance) || book.thirdParty(ebs),
    });
    if (minHosts > 0) {
      line(region, `Worker hosts kept running: ${minHosts} x ${type} + ${volume} GiB gp3`, [
        [minHosts * hours, "h", instance],
        [minHosts * volume, "GB-mo", ebs],
      ]);
    } else {
      freeAs("aws_autoscaling_group (at zero)", "no worker host runs while idle; see the per-host-hour rate");
    }
  }

  const sorted = [...regions].sort();
  const transfer: TransferRate[] = [];
  for (const region of sorted) {
    const rate = (what: string, key: FlatPrice) => {
      const price = unit(region, key);
      transfer.push({ region, what, usdPerGb: price.usd, unverified: book.unverified(price), thirdParty: book.thirdParty(price) });
    };
    rate("out to another Region (billed here, as the source)", "interRegionOutGb");
    rate("Transit Gateway data processing (per GB sent from the VPC)", "transitGatewayGb");
    rate("interface endpoint data processing", "interfaceEndpointGb");
    if (lines.some((l) => l.region === region && l.component === "NAT gateway")) {
      rate("NAT gateway data processing", "natGatewayGb");
    }
    rate("CloudWatch Logs ingestion (flow logs, service logs)", "cloudwatchLogsIngestGb");
  }
  return {
    regions: sorted,
    lines,
    hostHours,
    transfer,
    usage: [...usage].map(([type, count]) => ({ type, count, note: USAGE_TYPES[type] })).sort((a, b) => a.type.localeCompare(b.type)),
    free: [...free].map(([type, { count, note }]) => ({ type, count, note })).sort((a, b) => a.type.localeCompare(b.type)),
    fixedMonthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
    hoursPerMonth: hours,
    compiled: book.table.compiled,
    sources: [...used].sort(),
  };
}

export { MissingPriceError };
