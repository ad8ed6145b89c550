/**
 * End-of-support dates of the runtimes and platforms Proximate deploys. "End" is the date AWS
 * stops supporting the version (Lambda: deprecation, after which security patches stop and,
 * later, creating and updating functions is blocked; SageMaker notebooks: the end of support of
 * the platform's operating system). A synthesized resource on a version past its end fails the
 * END-OF-SUPPORT guardrail; one within {@link SUPPORT_WARNING_DAYS} days of it is a warning.
 */

/** One supported version and when its support ends. */
export interface SupportWindow {
  /** The value as it appears in the resource (`nodejs22.x`, `notebook-al2023-v1`). */
  readonly id: string;
  /** ISO date (UTC) support ends; undefined when AWS has announced none. */
  readonly ends?: string;
  /** What replaces it, for messages. */
  readonly successor?: string;
  readonly doc: string;
}

/**
 * How long before the end a version is reported as a warning: 120 days, the notice AWS Trusted
 * Advisor gives for Lambda runtimes reaching end of support.
 * Doc: https://docs.aws.amazon.com/awssupport/latest/user/security-checks.html#aws-lambda-functions-deprecated-runtimes
 */
export const SUPPORT_WARNING_DAYS = 120;

const LAMBDA_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html";

/**
 * Lambda runtimes (deprecation dates of the "Supported runtimes" and "Deprecated runtimes"
 * tables). Only the Node.js runtimes matter to us: the indexer is JavaScript.
 */
export const LAMBDA_RUNTIMES: readonly SupportWindow[] = [
  { id: "nodejs16.x", ends: "2024-06-12", successor: "nodejs24.x", doc: LAMBDA_DOC },
  { id: "nodejs18.x", ends: "2025-09-01", successor: "nodejs24.x", doc: LAMBDA_DOC },
  // Deprecated 2026-04-30; function creation blocked from 2026-08-31. The AWS provider we pin
  // (5.100.0) accepts runtimes up to nodejs22.x (modules/aws/runtimes.ts).
  { id: "nodejs20.x", ends: "2026-04-30", successor: "nodejs22.x (nodejs24.x with a newer AWS provider)", doc: LAMBDA_DOC },
  // Deprecation 2027-04-30; creation blocked 2027-06-01, updates 2027-07-01.
  { id: "nodejs22.x", ends: "2027-04-30", successor: "nodejs24.x", doc: LAMBDA_DOC },
  { id: "nodejs24.x", ends: "2028-04-30", doc: LAMBDA_DOC },
];

/**
 * SageMaker notebook instance platforms: `notebook-al2-*` run on Amazon Linux 2, whose support
 * ended 2026-06-30 (AL2 FAQ); `notebook-al2023-v1` runs on Amazon Linux 2023 (supported until
 * 2029-06-30). The platform identifiers are the model's PlatformIdentifier pattern.
 * Docs: https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html,
 * https://aws.amazon.com/amazon-linux-2/faqs/
 */
export const NOTEBOOK_PLATFORMS: readonly SupportWindow[] = [
  { id: "notebook-al1-v1", ends: "2023-12-31", successor: "notebook-al2023-v1", doc: "https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html" },
  { id: "notebook-al2-v1", ends: "2026-06-30", successor: "notebook-al2023-v1", doc: "https://aws.amazon.com/amazon-linux-2/faqs/" },
  { id: "notebook-al2-v2", ends: "2026-06-30", successor: "notebook-al2023-v1", doc: "https://aws.amazon.com/amazon-linux-2/faqs/" },
  { id: "notebook-al2-v3", ends: "2026-06-30", successor: "notebook-al2023-v1", doc: "https://aws.amazon.com/amazon-linux-2/faqs/" },
  { id: "notebook-al2023-v1", ends: "2029-06-30", doc: "https://aws.amazon.com/linux/amazon-linux-2023/faqs/" },
];

/**
 * The platform SageMaker gives a notebook instance created without `PlatformIdentifier`:
 * Amazon Linux 2023 since 2026-05-15 (the AL2 notebook instances page). The AWS provider we pin
 * rejects "notebook-al2023-v1" as a value, so the product relies on this default.
 * Doc: https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html
 */
export const NOTEBOOK_DEFAULT_PLATFORM = "notebook-al2023-v1";

/**
 * AMI families resolved through public SSM parameters (`resolve:ssm:<parameter>` in launch
 * templates), matched by the parameter path.
 */
export const AMI_FAMILIES: readonly (SupportWindow & { readonly parameterPrefix: string })[] = [
  {
    id: "Amazon Linux 2 (ECS-optimised)",
    parameterPrefix: "/aws/service/ecs/optimized-ami/amazon-linux-2/",
    ends: "2026-06-30",
    successor: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-optimized_AMI.html",
  },
  {
    id: "Amazon Linux 2023 (ECS-optimised)",
    parameterPrefix: "/aws/service/ecs/optimized-ami/amazon-linux-2023/",
    ends: "2029-06-30",
    doc: "https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html",
  },
  {
    id: "Amazon Linux 2",
    parameterPrefix: "/aws/service/ami-amazon-linux-latest/amzn2-",
    ends: "2026-06-30",
    successor: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    doc: "https://aws.amazon.com/amazon-linux-2/faqs/",
  },
  {
    id: "Amazon Linux 2023",
    parameterPrefix: "/aws/service/ami-amazon-linux-latest/al2023-",
    ends: "2029-06-30",
    doc: "https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html",
  },
];

/**
 * OpenSearch Service engine versions. AWS publishes end-of-standard-support dates for legacy
 * Elasticsearch and OpenSearch versions in the "Supported versions" table; no OpenSearch 2.x
 * version had a published end date in the documentation we could read (2026-11-30), so 2.x
 * versions carry none and the rule reports them compliant with that note. Add a date here when
 * AWS announces one.
 * Doc: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/what-is.html#choosing-version
 */
export const OPENSEARCH_VERSIONS: readonly SupportWindow[] = [];

/** Whole days from `today` to `date` (negative when `date` is past). */
export function daysUntil(date: string, today: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** Where a version stands on `today`. */
export type SupportStatus =
  | { readonly state: "supported"; readonly window?: SupportWindow; readonly days?: number }
  | { readonly state: "ending"; readonly window: SupportWindow; readonly days: number }
  | { readonly state: "ended"; readonly window: SupportWindow; readonly days: number }
  | { readonly state: "unknown" };

/** The status of `id` in `table` on `today` (an ISO date). */
export function supportStatus(table: readonly SupportWindow[], id: string, today: string, warningDays = SUPPORT_WARNING_DAYS): SupportStatus {
  const window = table.find((entry) => entry.id === id);
  if (window === undefined) {
    return { state: "unknown" };
  }
  if (window.ends === undefined) {
    return { state: "supported", window };
  }
  const days = daysUntil(window.ends, today);
  if (days <= 0) {
    return { state: "ended", window, days };
  }
  return days <= warningDays ? { state: "ending", window, days } : { state: "supported", window, days };
}
