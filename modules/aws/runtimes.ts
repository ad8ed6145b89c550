/**
 * Runtimes and platforms Proximate deploys, with the dates AWS ends their support. A date is
 * the day AWS stops patching (Lambda: "deprecation date"; SageMaker notebooks: "end of support").
 */

/** One runtime or platform identifier and when its support ends. */
export interface SupportedRuntime {
  /** The identifier the API takes, e.g. `nodejs22.x`. */
  readonly identifier: string;
  /** ISO date (UTC) support ends. */
  readonly supportEnds: string;
  /** The AWS documentation page stating it. */
  readonly doc: string;
}

/**
 * The catalog indexer's Lambda runtime. Deprecation dates (Lambda runtimes page): nodejs20.x
 * 2026-04-30 (past), nodejs22.x 2027-04-30, nodejs24.x 2028-04-30. nodejs24.x is the newest, but
 * the AWS provider this project pins (5.100.0, the one the offline mirror holds; 6.x does not
 * init offline) validates `runtime` against a list that ends at nodejs22.x, so `terraform
 * validate` rejects nodejs24.x: nodejs22.x is the newest runtime the provider can deploy. Move to
 * nodejs24.x with the provider upgrade, before 2027-04-30.
 */
export const INDEXER_LAMBDA_RUNTIME: SupportedRuntime & { readonly nodeMajor: number } = {
  identifier: "nodejs22.x",
  nodeMajor: 22,
  supportEnds: "2027-04-30",
  doc: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
};

/** esbuild's target for the indexer bundle: the Node.js major of its Lambda runtime. */
export const INDEXER_ESBUILD_TARGET = `node${INDEXER_LAMBDA_RUNTIME.nodeMajor}`;

/**
 * The notebook instance's platform. Amazon Linux 2 notebook instances (`notebook-al2-*`) reached
 * end of support on 2026-06-30 and can be neither created nor restarted since 2026-07-01; AL2023
 * (`notebook-al2023-v1`, JupyterLab 4, `conda_python3` with Python 3.10) is the default platform of
 * new notebook instances since 2026-05-15 (AL2 notebook instances page:
 * https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html). AL2023 itself is supported until
 * 2029-06-30 (https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html).
 */
export const NOTEBOOK_PLATFORM: SupportedRuntime = {
  identifier: "notebook-al2023-v1",
  supportEnds: "2029-06-30",
  doc: "https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2023.html",
};
