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
 * The conda environment behind the `conda_python3` kernel. On `notebook-al2023-v1` it is Python
 * 3.10 under the same Anaconda tree as on AL2; packages go in with `dnf` for the system (not
 * `yum`) and `python -m pip` for the environment.
 * https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2023.html
 * https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html (migrating from AL2 to AL2023)
 * https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-lifecycle-config-install.html
 */
export const NOTEBOOK_CONDA_ROOT = "/home/ec2-user/anaconda3";
export const NOTEBOOK_CONDA_ENV = "python3";

/** The oldest Python the pinned client packages and the helper take (dask 2024.6 and `proximate`: >= 3.9). */
export const NOTEBOOK_MIN_PYTHON: readonly [number, number] = [3, 9];

/**
 * The on-start script, for Amazon Linux 2023 notebook instances: installs exactly the cluster
 * image's Dask/distributed (and the packages distributed compares on connect) into the `python3`
 * conda environment (after checking it exists with a Python the pins take), installs the helper
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
    `test -d ${NOTEBOOK_CONDA_ROOT}/envs/${NOTEBOOK_CONDA_ENV} || { echo 'proximate: no conda environment ${NOTEBOOK_CONDA_ENV} (kernel conda_${NOTEBOOK_CONDA_ENV}) on this platform' >&2; exit 1; }`,
    `source ${NOTEBOOK_CONDA_ROOT}/bin/activate ${NOTEBOOK_CONDA_ENV}`,
    `python -c 'import sys; sys.exit(0 if sys.version_info >= (${NOTEBOOK_MIN_PYTHON.join(", ")}) else 1)' || { echo 'proximate: the ${NOTEBOOK_CONDA_ENV} environment has Python older than ${NOTEBOOK_MIN_PYTHON.join(".")}' >&2; exit 1; }`,
    `python -m pip install --quiet --no-cache-dir ${requirements} boto3 botocore matplotlib`,
    "rm -rf /tmp/proximate-bundle && mkdir -p /tmp/proximate-bundle",
    `aws s3 cp '${input.bundleUri}' /tmp/proximate-bundle/bundle.zip`,
    "cd /tmp/proximate-bundle && python -m zipfile -e bundle.zip src",
    "python -m pip install --quiet --no-deps /tmp/proximate-bundle/src",
    `mkdir -p ${NOTEBOOK_DIR}`,
    `cp -f /tmp/proximate-bundle/src/notebooks/*.ipynb ${NOTEBOOK_DIR}/`,
    "python - <<'KERNEL'",
    "import json, pathlib",
    `spec = pathlib.Path('${NOTEBOOK_CONDA_ROOT}/envs/${NOTEBOOK_CONDA_ENV}/share/jupyter/kernels/python3/kernel.json')`,
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
