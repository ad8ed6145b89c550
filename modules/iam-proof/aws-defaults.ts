/**
 * Resource policies AWS applies when the configuration sets none, and the key policies of
 * AWS-managed KMS keys (which nobody can change). Each with the AWS documentation it follows.
 */

/**
 * The default key policy of a KMS key created without one: the account (root) may do
 * everything, which delegates the key's use to IAM policies.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam
 */
export function defaultKeyPolicy(account: string): unknown {
  return {
    Version: "2012-10-17",
    Id: "key-default-1",
    Statement: [{ Sid: "Enable IAM User Permissions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
  };
}

/**
 * The key policy of an AWS-managed key (`alias/aws/<service>`): principals of the account may
 * use it only through that service (`kms:ViaService`, `kms:CallerAccount`); the account may
 * read its metadata. AWS services' own principals (CloudWatch, EventBridge, ...) are not of the
 * account, which is why they cannot use a topic or queue encrypted with it, and why AWS-managed
 * keys cannot be shared. The policy cannot be changed.
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function awsManagedKeyPolicy(service: string, region: string, account: string): unknown {
  return {
    Version: "2012-10-17",
    Id: `auto-${service}`,
    Statement: [
      {
        Sid: `Allow access through ${service} for all principals in the account that are authorized to use ${service}`,
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": account, "kms:ViaService": `${service}.${region}.amazonaws.com` } },
      },
      {
        Sid: "Allow direct access to key metadata to the account",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
        Resource: "*",
      },
    ],
  };
}

/**
 * The policy of an SNS topic created without one: the owning account's principals may publish,
 * subscribe and manage the topic (`AWS:SourceOwner`).
 * https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
export function defaultTopicPolicy(topicArn: string, account: string): unknown {
  return {
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "SNS:GetTopicAttributes",
          "SNS:SetTopicAttributes",
          "SNS:AddPermission",
          "SNS:RemovePermission",
          "SNS:DeleteTopic",
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:Publish",
        ],
        Resource: topicArn,
        Condition: { StringEquals: { "AWS:SourceOwner": account } },
      },
    ],
  };
}
