import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ClusterCode } from "../../modules/compute/scaling";

/**
 * The Dask preloads the scheduler and worker containers run (scripts/cluster/*.py), read from
 * the project so that the task definitions carry them verbatim (the cluster image has no
 * Proximate code).
 */
export function readClusterCode(projectDir: string): ClusterCode {
  const read = (name: string) => {
    const path = join(projectDir, "scripts", "cluster", name);
    const text = readFileSync(path, "utf8");
    // The source sits in a Terraform string, where these start template sequences:
    // https://developer.hashicorp.com/terraform/language/expressions/strings#string-templates
    const sequence = /[$%]\{/.exec(text);
    if (sequence !== null) {
      throw new Error(`${path}: contains "${sequence[0]}", which Terraform would read as a template sequence in the task definition; write it differently`);
    }
    return text;
  };
  return { schedulerScaling: read("scheduler_scaling.py"), workerProtection: read("worker_protection.py") };
}
