import { bucketArns, bucketSettings } from "../buckets";
import { isPublicPrincipal, readPolicyArgument, Statement } from "../policy";
import { compliant, GuardrailRule, nonCompliant, ResourceView, StackView } from "../types";

function deniesInsecureTransport(statement: Statement, arns: ReturnType<typeof bucketArns>): boolean {
  if (statement.effect !== "Deny" || !isPublicPrincipal(statement.principal)) {
    return false;
  }
  if (!statement.actions.some((action) => action === "*" || action.toLowerCase() === "s3:*")) {
    return false;
  }
  const covers = (candidates: readonly string[]) => statement.resources.some((resource) => resource === "*" || candidates.includes(resource));
  if (!covers(arns.bucket) || !covers(arns.objects)) {
    return false;
  }
  for (const operator of ["Bool", "BoolIfExists"]) {
    const test = statement.condition?.[operator];
    if (test !== null && typeof test === "object") {
      const value = (test as Record<string, unknown>)["aws:SecureTransport"];
      if ([value].flat().some((v) => v === false || v === "false")) {
        return true;
      }
    }
  }
  return false;
}

function policies(stack: StackView, bucket: ResourceView): unknown[] {
  const inline = bucket.config.policy === undefined ? [] : [bucket.config.policy];
  return [...inline, ...bucketSettings(stack, "aws_s3_bucket_policy", bucket).map((p) => p.config.policy)];
}

/** S3: every bucket policy denies requests that are not made over TLS. */
export const s3TlsOnly: GuardrailRule = {
  id: "S3-TLS-ONLY",
  description: "Every S3 bucket has a policy that denies s3:* on the bucket and its objects when aws:SecureTransport is false.",
  resourceTypes: ["aws_s3_bucket"],
  fix: 'Add an aws_s3_bucket_policy with { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [<bucket arn>, "<bucket arn>/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } } (constructs/secure-bucket.ts does).',
  check(bucket, { stack }) {
    const documents = policies(stack, bucket);
    if (documents.length === 0) {
      return nonCompliant("has no bucket policy in this stack");
    }
    const arns = bucketArns(bucket);
    for (const document of documents) {
      const read = readPolicyArgument(document, stack);
      if ("error" in read) {
        return nonCompliant(`bucket policy ${read.error}`);
      }
      if (read.statements.some((statement) => deniesInsecureTransport(statement, arns))) {
        return compliant();
      }
    }
    return nonCompliant("bucket policy has no statement denying s3:* on the bucket and its objects when aws:SecureTransport is false");
  },
};
