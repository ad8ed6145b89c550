import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { EMULATED_CREDENTIALS } from "../../modules/emulation/aws-endpoint";

/** Credentials and endpoint of the SDK clients: AWS's default chain, or the emulator (test-only). */
function clientConfig(region: string, awsEndpoint: string | undefined) {
  return awsEndpoint === undefined
    ? { region }
    : {
        region,
        endpoint: awsEndpoint,
        credentials: { accessKeyId: EMULATED_CREDENTIALS.accessKey, secretAccessKey: EMULATED_CREDENTIALS.secretKey },
      };
}

/** IAM is global; its API lives in us-east-1. */
export function iamClient(awsEndpoint: string | undefined): IAMClient {
  return new IAMClient(clientConfig("us-east-1", awsEndpoint));
}

export function s3Client(region: string, awsEndpoint: string | undefined): S3Client {
  return new S3Client({ ...clientConfig(region, awsEndpoint), forcePathStyle: awsEndpoint !== undefined });
}
