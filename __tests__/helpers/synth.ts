import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { resolveTopology, Topology } from "../../modules/config/topology";
import { parseConfig } from "../../modules/config/validate";
import { ProximateConfig } from "../../modules/config/schema";
import { buildTopology, ProximateStacks } from "../../stacks/topology";
import { ensureIndexerBundle } from "../../scripts/lib/indexer-bundle";
import { ensureNotebookBundle } from "../../scripts/lib/notebook-bundle";
import { readClusterCode } from "../../scripts/lib/cluster-code";

/** A synthesized Terraform resource/data block, loosely typed for assertions. */
export type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One stack's synthesized JSON with lookup helpers. */
export class SynthesizedStack {
  constructor(
    public readonly name: string,
    public readonly json: Block,
  ) {}

  /** All resources of a type, keyed by logical id. */
  resources(type: string): Record<string, Block> {
    return this.json.resource?.[type] ?? {};
  }

  /** The one resource of `type` whose construct path ends with `pathSuffix`. */
  resource(type: string, pathSuffix: string): Block {
    const matches = Object.values(this.resources(type)).filter((r) => (r["//"]?.metadata?.path as string).endsWith(pathSuffix));
    if (matches.length !== 1) {
      throw new Error(`${this.name}: expected one ${type} at *${pathSuffix}, found ${matches.length}`);
    }
    return matches[0];
  }

  /** Logical id of the resource of `type` whose construct path ends with `pathSuffix`. */
  address(type: string, pathSuffix: string): string {
    const entry = Object.entries(this.resources(type)).find(([, r]) => (r["//"]?.metadata?.path as string).endsWith(pathSuffix));
    if (entry === undefined) {
      throw new Error(`${this.name}: no ${type} at *${pathSuffix}`);
    }
    return `${type}.${entry[0]}`;
  }

  /** Every `type.name` address in the stack. */
  addresses(): string[] {
    return Object.entries(this.json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName as Block).map((name) => `${type}.${name}`));
  }

  resourceCount(): number {
    return this.addresses().length;
  }
}

const projectDir = join(__dirname, "..", "..");

/** A whole synthesized app. */
export interface Synthesized {
  readonly topology: Topology;
  readonly stacks: ProximateStacks;
  readonly manifest: { stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }> };
  stack(name: string): SynthesizedStack;
  stackNames(): string[];
}

/**
 * Synthesizes the whole app for a config, the way `cdktf synth` does (Testing.synth of a single
 * stack would skip the cross-stack wiring), and reads the result back.
 */
export function synthApp(config: ProximateConfig): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), "proximate-synth-"));
  try {
    const topology = resolveTopology(parseConfig(config, "test"));
    const app = new App({ outdir, stackTraces: false });
    const stacks = buildTopology(app, topology, { localStateDirectory: "/state", indexerArchive: ensureIndexerBundle(projectDir), notebookArchive: ensureNotebookBundle(projectDir), clusterCode: readClusterCode(projectDir), today: "2026-11-30" });
    app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    const jsons = new Map<string, Block>();
    for (const [name, entry] of Object.entries(manifest.stacks as Record<string, { synthesizedStackPath: string }>)) {
      jsons.set(name, JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), "utf8")));
    }
    return {
      topology,
      stacks,
      manifest,
      stack(name: string) {
        const json = jsons.get(name);
        if (json === undefined) {
          throw new Error(`no stack ${name}; stacks: ${[...jsons.keys()].join(", ")}`);
        }
        return new SynthesizedStack(name, json);
      },
      stackNames: () => [...jsons.keys()].sort(),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The default topology from cdktf.json. */
export function defaultConfig(): ProximateConfig {
  const cdktf = JSON.parse(readFileSync(join(__dirname, "..", "..", "cdktf.json"), "utf8"));
  return cdktf.context.proximate as ProximateConfig;
}

/** A deep copy of the default config, changed by `edit`. */
export function editedConfig(edit: (config: any) => void): unknown { // eslint-disable-line @typescript-eslint/no-explicit-any
  const config = JSON.parse(JSON.stringify(defaultConfig()));
  edit(config);
  return config;
}
