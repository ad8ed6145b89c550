import { placeholderFor, StackJson, upstreamStackOf } from "../terraform/tftest";

/**
 * Files that let `terraform plan` run with no AWS access and no remote state: a local backend,
 * a provider that skips every credential and account lookup, and remote-state data sources read
 * from local fixture states whose outputs are placeholders derived from the upstream stacks'
 * output blocks (the same placeholders `terraform test` uses).
 */
export interface OfflineFiles {
  /** File name (in the stack's directory) -> JSON content. */
  readonly files: Readonly<Record<string, unknown>>;
}

/** A Terraform state (format 4) holding only outputs. */
export function fixtureState(outputs: Readonly<Record<string, string | string[]>>): Record<string, unknown> {
  return {
    version: 4,
    terraform_version: "1.11.4",
    serial: 1,
    lineage: "proximate-plan-review-fixture",
    outputs: Object.fromEntries(
      Object.entries(outputs).map(([name, value]) => [name, { value, type: Array.isArray(value) ? ["list", "string"] : "string", sensitive: true }]),
    ),
    resources: [],
  };
}

/**
 * Overrides for one stack. `upstreamOutputs(stack)` returns an upstream stack's output block;
 * `fixtureDir` is where fixture states are written (relative to the stack's directory or absolute).
 */
export function offlineFiles(
  stack: StackJson,
  upstreamOutputs: (stack: string) => Record<string, { value: unknown }>,
  fixtureDir: string,
): OfflineFiles {
  const files: Record<string, unknown> = {
    "backend_override.tf.json": { terraform: { backend: { local: { path: "terraform.tfstate" } } } },
    "provider_override.tf.json": {
      provider: {
        aws: [
          {
            access_key: "offline-plan",
            secret_key: "offline-plan",
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: "true",
            skip_region_validation: true,
          },
        ],
      },
    },
  };
  const remote = Object.keys(stack.data?.terraform_remote_state ?? {});
  if (remote.length > 0) {
    const overrides: Record<string, unknown> = {};
    for (const source of remote) {
      const upstream = upstreamStackOf(source);
      const outputs = Object.fromEntries(Object.entries(upstreamOutputs(upstream)).map(([name, output]) => [name, placeholderFor(upstream, name, output.value)]));
      const path = `${fixtureDir}/${upstream}.tfstate`;
      files[path] = fixtureState(outputs);
      overrides[source] = { backend: "local", config: { path }, workspace: null };
    }
    files["remote_state_override.tf.json"] = { data: { terraform_remote_state: overrides } };
  }
  return { files };
}
