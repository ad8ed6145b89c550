import { clientRequirements, DaskImage } from "./images";

/** Inputs of the notebook instance's lifecycle scripts (values may be Terraform tokens). */
export interface NotebookLifecycleInput {
  readonly image: DaskImage;
  /** `s3://bucket/key` of the bundle (helper package + notebooks). */
  readonly bundleUri: string;
  /** `tcp://scheduler.<namespace>:8786` */
  readonly schedulerAddress: string;
  /** Name of the catalog's OpenSearch domain; the helper looks up its VPC endpoint at run time. */
  readonly catalogDomain: string;
  readonly catalogRegion: string;
}

/** Directory the notebooks are synced into (SageMaker's persistent volume). */
export const NOTEBOOK_DIR = "/home/ec2-user/SageMaker/proximate";

/**
 * The on-start script: installs exactly the cluster image's Dask/distributed (and the packages
 * distributed compares on connect) into the `python3` conda environment, installs the helper
 * package and syncs the notebooks from the bundle, and gives every `python3` kernel the
 * connection settings. The slow part runs in the background: SageMaker stops waiting for a
 * lifecycle script after five minutes.
 */
export function notebookOnStart(input: NotebookLifecycleInput): string {
  const requirements = clientRequirements(input.image).join(" ");
  const env = {
    PROXIMATE_SCHEDULER: input.schedulerAddress,
    PROXIMATE_CATALOG_DOMAIN: input.catalogDomain,
    PROXIMATE_CATALOG_REGION: input.catalogRegion,
  };
  const envPython = Object.entries(env)
    .map(([key, value]) => `'${key}': '${value}'`)
    .join(", ");
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "# Written by Proximate: the same Dask as the cluster image, the helper, the notebooks.",
    "cat > /home/ec2-user/proximate-setup.sh <<'SETUP'",
    "#!/bin/bash",
    "set -euo pipefail",
    "source /home/ec2-user/anaconda3/bin/activate python3",
    `pip install --quiet --no-cache-dir ${requirements} boto3 botocore matplotlib`,
    "rm -rf /tmp/proximate-bundle && mkdir -p /tmp/proximate-bundle",
    `aws s3 cp '${input.bundleUri}' /tmp/proximate-bundle/bundle.zip`,
    "cd /tmp/proximate-bundle && python -m zipfile -e bundle.zip src",
    "pip install --quiet --no-deps /tmp/proximate-bundle/src",
    `mkdir -p ${NOTEBOOK_DIR}`,
    `cp -f /tmp/proximate-bundle/src/notebooks/*.ipynb ${NOTEBOOK_DIR}/`,
    "python - <<'KERNEL'",
    "import json, pathlib",
    "spec = pathlib.Path('/home/ec2-user/anaconda3/envs/python3/share/jupyter/kernels/python3/kernel.json')",
    "kernel = json.loads(spec.read_text())",
    `kernel.setdefault('env', {}).update({${envPython}})`,
    "spec.write_text(json.dumps(kernel, indent=1))",
    "KERNEL",
    "SETUP",
    "chmod +x /home/ec2-user/proximate-setup.sh",
    "chown ec2-user:ec2-user /home/ec2-user/proximate-setup.sh",
    "nohup sudo -u ec2-user -i /home/ec2-user/proximate-setup.sh > /home/ec2-user/proximate-setup.log 2>&1 &",
    "",
  ].join("\n");
}
