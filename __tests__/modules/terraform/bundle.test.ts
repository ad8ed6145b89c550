import { bundleStacks, normalizedForValidation, plantError, stackOfDiagnostic } from "../../../modules/terraform/bundle";

const stackA = {
  terraform: { backend: { s3: { bucket: "b" } }, required_providers: { aws: { source: "aws", version: "5.100.0" } } },
  provider: { aws: [{ region: "us-east-1" }] },
  resource: {
    aws_iam_role: { role: { name: "r" } },
    aws_iam_role_policy: { policy: { role: "${aws_iam_role.role.id}", policy: '${jsonencode({"Resource" = aws_iam_role.role.arn})}' } },
    aws_lambda_invocation: { run: { function_name: "f", depends_on: ["aws_iam_role_policy.policy"] } },
  },
  data: { terraform_remote_state: { net: { backend: "s3", config: { key: "k" } } } },
  output: { arn: { value: "${aws_iam_role.role.arn}" } },
};
const stackB = { provider: { aws: [{ region: "eu-west-2" }] }, resource: { aws_iam_role: { role: { name: "other", description: "${data.terraform_remote_state.net.outputs.x}" } } }, data: { terraform_remote_state: { net: { backend: "s3" } } } };

describe("bundleStacks", () => {
  const bundle = bundleStacks([
    { name: "a", json: stackA },
    { name: "b", json: stackB },
  ]);
  const json = bundle.json as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  test("renames every object per stack and rewrites references, also inside jsonencode and depends_on", () => {
    expect(Object.keys(json.resource.aws_iam_role)).toEqual(["s0_role", "s1_role"]);
    expect(json.resource.aws_iam_role_policy.s0_policy.role).toBe("${aws_iam_role.s0_role.id}");
    expect(json.resource.aws_iam_role_policy.s0_policy.policy).toBe('${jsonencode({"Resource" = aws_iam_role.s0_role.arn})}');
    expect(json.resource.aws_lambda_invocation.s0_run.depends_on).toEqual(["aws_iam_role_policy.s0_policy"]);
    expect(json.resource.aws_iam_role.s1_role.description).toBe("${data.terraform_remote_state.s1_net.outputs.x}");
    expect(json.output.s0_arn.value).toBe("${aws_iam_role.s0_role.arn}");
  });

  test("gives each stack's provider an alias its AWS resources select; drops backends", () => {
    expect(json.provider.aws).toEqual([
      { region: "us-east-1", alias: "s0_default" },
      { region: "eu-west-2", alias: "s1_default" },
    ]);
    expect(json.resource.aws_iam_role.s1_role.provider).toBe("aws.s1_default");
    expect(json.data.terraform_remote_state.s0_net.provider).toBeUndefined();
    expect(json.terraform).toEqual({ required_providers: { aws: { source: "aws", version: "5.100.0" } } });
  });

  test("maps a diagnostic back to its stack; a planted error names a real address", () => {
    expect(stackOfDiagnostic(bundle, "resource.aws_iam_role.s1_role")).toBe("b");
    const planted = plantError(bundle);
    expect(planted.address).toBe("aws_iam_role.s0_role");
  });
});

describe("normalizedForValidation", () => {
  test("Regions of the same shape normalise alike; other differences remain", () => {
    const stack = (region: string, cidr: string) => ({ provider: { aws: [{ region }] }, resource: { aws_vpc: { [`vpc-${region}`]: { cidr_block: cidr, tags: { Name: `edge-${region}` } } } } });
    const regions = ["us-east-1", "eu-west-2", "eu-central-1"];
    expect(normalizedForValidation(stack("us-east-1", "10.0.0.0/24"), regions)).toBe(normalizedForValidation(stack("eu-west-2", "10.0.0.0/24"), regions));
    expect(normalizedForValidation(stack("us-east-1", "10.0.0.0/24"), regions)).not.toBe(normalizedForValidation(stack("eu-central-1", "10.0.0.0/24"), regions));
    expect(normalizedForValidation(stack("us-east-1", "10.0.0.0/24"), regions)).not.toBe(normalizedForValidation(stack("eu-west-2", "10.1.0.0/24"), regions));
  });
});
