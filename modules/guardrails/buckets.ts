/** Relations of an `aws_s3_bucket` to the resources that configure it (provider 4.x+ style). */
import { isExpression, refersTo } from "./refs";
import { ResourceView, StackView } from "./types";

/**
 * The resources of `type` in the stack that configure `bucket`: their `bucket` argument
 * references the bucket (`id` or `bucket` attribute) or names it literally.
 */
export function bucketSettings(stack: StackView, type: string, bucket: ResourceView): readonly ResourceView[] {
  const name = bucket.config.bucket;
  const literalName = typeof name === "string" && !isExpression(name) ? name : undefined;
  return stack.resources(type).filter((candidate) => {
    const target = candidate.config.bucket;
    return refersTo(target, bucket, ["id", "bucket"]) || (literalName !== undefined && target === literalName);
  });
}

/** The ARNs a policy may use for the bucket and its objects. */
export function bucketArns(bucket: ResourceView): { readonly bucket: readonly string[]; readonly objects: readonly string[] } {
  const arns = [`\${${bucket.type}.${bucket.name}.arn}`];
  const name = bucket.config.bucket;
  if (typeof name === "string" && !isExpression(name)) {
    arns.push(`arn:aws:s3:::${name}`);
  }
  return { bucket: arns, objects: arns.map((arn) => `${arn}/*`) };
}
