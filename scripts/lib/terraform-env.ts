import { existsSync } from "node:fs";
import { join } from "node:path";

/** Directory of the local provider mirror, when the machine has one. */
export const PROVIDER_MIRROR = "/opt/tf-plugins";

/**
 * Environment for terraform and the cdktf CLI: our own CLI config (the filesystem mirror when
 * it exists, the registry otherwise) and no checkpoint calls. Mirrors scripts/terraform/env.sh.
 */
export function terraformEnv(projectDir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const config = existsSync(PROVIDER_MIRROR) ? "mirror.tfrc" : "registry.tfrc";
  return {
    ...base,
    TF_CLI_CONFIG_FILE: join(projectDir, "scripts", "terraform", config),
    CHECKPOINT_DISABLE: "1",
    DISABLE_VERSION_CHECK: "1",
    TF_IN_AUTOMATION: "1",
  };
}
