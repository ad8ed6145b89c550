import { Fn } from "cdktf";
import { Construct } from "constructs";
import { PolicyStatement } from "../modules/iam";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";

/** Properties of a {@link SecureBucket}. */
export interface SecureBucketProps {
  /** Exact bucket name; give this or `bucketPrefix`. */
  readonly bucketName?: string;
  /** Name prefix; Terraform appends a unique suffix (for buckets named per deployment). */
  readonly bucketPrefix?: string;
  /**
   * Keep every version of every object.
   * @default false
   */
  readonly versioned?: boolean;
  /**
   * Refuse `terraform destroy` of the bucket (lifecycle `prevent_destroy`).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Let `terraform destroy` delete the bucket with its objects (and every version of them): for
   * buckets that hold only what the stack or AWS writes (access logs, bundles), which would
   * otherwise stop the stack's destroy with `BucketNotEmpty`.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html
   * @default false: the bucket must be emptied first
   */
  readonly forceDestroy?: boolean;
  /**
   * Encrypt with this KMS key instead of S3-managed keys.
   * @default SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /**
   * Extra statements for the bucket policy, given the bucket's ARN (the TLS-only statement is
   * always present).
   * @default none
   */
  readonly extraPolicyStatements?: (bucketArn: string) => readonly PolicyStatement[];
}

/**
 * An S3 bucket that is private and encrypted by construction: default encryption, all four
 * public access blocks, bucket-owner-enforced ownership (no ACLs), and a policy that denies
 * any request not made over TLS.
 */
export class SecureBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if ((props.bucketName === undefined) === (props.bucketPrefix === undefined)) {
      throw new Error(`SecureBucket ${id}: give exactly one of bucketName and bucketPrefix`);
    }
    if (props.preventDestroy && props.forceDestroy) {
      throw new Error(`SecureBucket ${id}: preventDestroy and forceDestroy contradict each other; give at most one`);
    }
    this.bucket = new S3Bucket(this, "Default", {
      bucket: props.bucketName,
      bucketPrefix: props.bucketPrefix,
      forceDestroy: props.forceDestroy ? true : undefined,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn
            ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }
            : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.kmsKeyArn !== undefined,
        },
      ],
    });
    if (props.versioned) {
      new S3BucketVersioningA(this, "versioning", {
        bucket: this.bucket.id,
        versioningConfiguration: { status: "Enabled" },
      });
    }
    this.policy = new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: Fn.jsonencode({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          ...(props.extraPolicyStatements?.(this.bucket.arn) ?? []),
        ],
      }),
      // A policy cannot be attached while the public access block is being changed.
      dependsOn: [publicAccess],
    });
  }
}
