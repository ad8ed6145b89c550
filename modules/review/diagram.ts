import { deployWaves, Manifest, stackEdges } from "./stack-graph";

/**
 * Mermaid pictures of a synthesized app, drawn from the stacks' JSON (never from the config):
 * the Regions with their key resources and the Transit Gateway peerings between them, and the
 * stack dependency graph in deploy waves.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A synthesized stack, by name. */
export type StackReader = (name: string) => Json;

function id(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, "_");
}

function label(text: string): string {
  return text.replace(/"/g, "'");
}

function values(stack: Json, type: string): Json[] {
  return Object.values((stack.resource?.[type] ?? {}) as Record<string, Json>);
}

interface RegionBox {
  readonly region: string;
  readonly cidr?: string;
  readonly asn?: number;
  readonly nodes: string[];
}

/** The Regions, their key resources and the peerings between them. */
export function topologyDiagram(manifest: Manifest, read: StackReader): string {
  const boxes = new Map<string, RegionBox>();
  const box = (region: string): RegionBox => {
    let found = boxes.get(region);
    if (found === undefined) {
      found = { region, nodes: [] };
      boxes.set(region, found);
    }
    return found;
  };
  const peerings: [string, string][] = [];
  for (const name of Object.keys(manifest.stacks).sort()) {
    const stack = read(name);
    const region = stack.provider?.aws?.[0]?.region as string | undefined;
    if (region === undefined) {
      continue;
    }
    const b = box(region);
    const node = (key: string, text: string, shape: "box" | "db" | "round" = "box") => {
      const open = shape === "db" ? "[(" : shape === "round" ? "([" : "[";
      const close = shape === "db" ? ")]" : shape === "round" ? "])" : "]";
      b.nodes.push(`    ${id(`${region}_${key}`)}${open}"${label(text)}"${close}`);
    };
    for (const vpc of values(stack, "aws_vpc")) {
      (b as { cidr?: string }).cidr = vpc.cidr_block;
    }
    for (const tgw of values(stack, "aws_ec2_transit_gateway")) {
      node("tgw", `Transit Gateway<br/>ASN ${tgw.amazon_side_asn}`, "round");
    }
    for (const ns of values(stack, "aws_service_discovery_private_dns_namespace")) {
      node("dns", `Private DNS<br/>${ns.name}`);
    }
    for (const service of values(stack, "aws_ecs_service")) {
      if (service.name === "dask-scheduler") {
        node("scheduler", "Dask scheduler<br/>Fargate :8786");
      } else if (service.name === "dask-workers") {
        const task = values(stack, "aws_ecs_task_definition")[0];
        const command = task ? (JSON.parse(task.container_definitions)[0].command as string[]).join(" ") : "";
        const pool = /--resources (\S+)/.exec(command)?.[1] ?? "";
        const asg = values(stack, "aws_autoscaling_group")[0];
        const template = values(stack, "aws_launch_template").find((t) => String(t.name_prefix).includes("workers"));
        node("workers", `Dask workers ${pool}<br/>${template?.instance_type ?? ""} hosts ${asg?.min_size ?? "?"}-${asg?.max_size ?? "?"}`);
      }
    }
    for (const lb of values(stack, "aws_lb")) {
      node("dashboard", `Dashboard ALB<br/>${lb.internal ? "internal" : "internet-facing"}`);
    }
    for (const domain of values(stack, "aws_opensearch_domain")) {
      node("catalog", `Catalog<br/>${domain.engine_version} x ${domain.cluster_config?.instance_count}`, "db");
    }
    for (const notebook of values(stack, "aws_sagemaker_notebook_instance")) {
      node("notebook", `SageMaker notebook<br/>${notebook.instance_type}`);
    }
    for (const fs of values(stack, "aws_fsx_lustre_file_system")) {
      const datasets = values(stack, "aws_fsx_data_repository_association").map((a) => `${a.file_system_path} ← ${a.data_repository_path}`);
      node("fsx", `FSx for Lustre ${fs.storage_capacity} GiB<br/>${datasets.join("<br/>")}`, "db");
    }
    if (values(stack, "aws_instance").length > 0) {
      node("datahost", "Data host<br/>SSM only");
    }
    for (const schedule of values(stack, "aws_scheduler_schedule")) {
      node("refresh", `Nightly refresh<br/>${schedule.schedule_expression} ${schedule.schedule_expression_timezone}`);
    }
    for (const peering of values(stack, "aws_ec2_transit_gateway_peering_attachment")) {
      peerings.push([region, peering.peer_region]);
    }
  }
  const lines = ["flowchart LR"];
  for (const b of boxes.values()) {
    lines.push(`  subgraph ${id(b.region)} ["${b.region} ${b.cidr ?? ""}"]`, ...b.nodes, "  end");
  }
  for (const [from, to] of peerings) {
    lines.push(`  ${id(`${from}_tgw`)} <-->|TGW peering| ${id(`${to}_tgw`)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The stack dependency graph, one box per deploy wave. */
export function stackGraphDiagram(manifest: Manifest): string {
  const lines = ["flowchart LR"];
  deployWaves(manifest).forEach((wave, index) => {
    lines.push(`  subgraph wave${index} ["wave ${index}"]`);
    for (const stack of wave) {
      lines.push(`    ${id(stack)}["${stack}"]`);
    }
    lines.push("  end");
  });
  for (const edge of stackEdges(manifest)) {
    lines.push(`  ${id(edge.from)} --> ${id(edge.to)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Marker pair around a diagram embedded in the README. */
function markers(name: string): [string, string] {
  return [`<!-- diagram:${name} (generated by npm run diagram -- --update-readme) -->`, `<!-- /diagram:${name} -->`];
}

/**
 * Replaces every marked diagram block of `readme` with the given Mermaid sources. Throws when a
 * marker pair is missing, so a renamed section cannot go stale silently.
 */
export function embedDiagrams(readme: string, diagrams: Readonly<Record<string, string>>): string {
  let text = readme;
  for (const [name, source] of Object.entries(diagrams)) {
    const [begin, end] = markers(name);
    const start = text.indexOf(begin);
    const stop = text.indexOf(end);
    if (start < 0 || stop < start) {
      throw new Error(`README: no "${begin}" ... "${end}" block for the ${name} diagram`);
    }
    text = `${text.slice(0, start + begin.length)}\n\`\`\`mermaid\n${source}\`\`\`\n${text.slice(stop)}`;
  }
  return text;
}
