import { SYMBOLIC_ACCOUNT, TerraformValues, UnresolvedValue, splitInterpolations } from "../../../modules/iam-proof/terraform";
import { app } from "./fixtures";

describe("Terraform values made concrete", () => {
  const output = app({
    producer: {
      region: "eu-west-2",
      resource: {
        aws_s3_bucket: { bundle: { bucket_prefix: "proximate-eu-west-2-notebook-" } },
        aws_cloudwatch_log_group: { logs: { name: "/proximate/x" } },
        aws_opensearch_domain: { catalog: { domain_name: "proximate-catalog" } },
        aws_iam_role: { task: { name: "proximate-task", path: "/service/" } },
      },
      output: { "cross-stack-output-aws_s3_bucketbundlearn": { value: "${aws_s3_bucket.bundle.arn}" } },
    },
    consumer: {
      region: "us-east-1",
      data: { terraform_remote_state: { "cross-stack-reference-input-producer": { backend: "local", config: { path: "producer.tfstate" } } } },
      resource: {
        aws_ecr_pull_through_cache_rule: { images: { ecr_repository_prefix: "quay" } },
        aws_kms_key: { key: {} },
        aws_lambda_function: { fn: { function_name: "${aws_ecr_pull_through_cache_rule.images.id}-fn" } },
      },
    },
  });
  const values = new TerraformValues(output);

  test("references inside text, across stacks through remote state, with the reference's ARN formats", () => {
    expect(values.resolveString("consumer", "${data.terraform_remote_state.cross-stack-reference-input-producer.outputs.cross-stack-output-aws_s3_bucketbundlearn}/bundles/*")).toBe(
      `arn:aws:s3:::${values.attribute({ stack: "producer", type: "aws_s3_bucket", name: "bundle" }, "bucket")}/bundles/*`,
    );
    expect(values.resolveString("producer", "${aws_cloudwatch_log_group.logs.arn}:*")).toBe(`arn:aws:logs:eu-west-2:${SYMBOLIC_ACCOUNT}:log-group:/proximate/x:*`);
    expect(values.resolveString("producer", "${aws_opensearch_domain.catalog.arn}/*")).toBe("arn:aws:es:eu-west-2:123456789012:domain/proximate-catalog/*");
    expect(values.resolveString("producer", "${aws_iam_role.task.arn}")).toBe("arn:aws:iam::123456789012:role/service/proximate-task");
    expect(values.resolveString("consumer", "arn:aws:ecr:us-east-1:${aws_ecr_pull_through_cache_rule.images.registry_id}:repository/quay/*")).toBe("arn:aws:ecr:us-east-1:123456789012:repository/quay/*");
    expect(values.resolveString("consumer", "${aws_lambda_function.fn.arn}")).toBe("arn:aws:lambda:us-east-1:123456789012:function:quay-fn");
  });

  test("identifiers AWS generates are symbolic, stable and the same wherever the resource is referenced", () => {
    const bucket = values.attribute({ stack: "producer", type: "aws_s3_bucket", name: "bundle" }, "bucket");
    expect(bucket).toMatch(/^proximate-eu-west-2-notebook-[0-9a-f]{26}$/);
    expect(new TerraformValues(output).attribute({ stack: "producer", type: "aws_s3_bucket", name: "bundle" }, "bucket")).toBe(bucket);
    const key = values.attribute({ stack: "consumer", type: "aws_kms_key", name: "key" }, "arn");
    expect(key).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(values.resolveString("consumer", "${aws_kms_key.key.key_id}")).toBe(key.split("/")[1]);
  });

  test("the Terraform functions constructs write into policies: replace (text or /regex/), element(split(...)), join, format", () => {
    expect(values.resolveString("producer", '${replace(aws_iam_role.task.arn, ":role/", ":policy/")}')).toBe("arn:aws:iam::123456789012:policy/service/proximate-task");
    expect(values.resolveString("producer", '${replace(aws_opensearch_domain.catalog.arn, "/:domain/.*$/", ":domain/*")}')).toBe("arn:aws:es:eu-west-2:123456789012:domain/*");
    expect(values.resolveString("producer", 'arn:${element(split(":", aws_iam_role.task.arn), 1)}:es:eu-west-2:${element(split(":", aws_iam_role.task.arn), 4)}:domain/x')).toBe(
      "arn:aws:es:eu-west-2:123456789012:domain/x",
    );
    expect(values.resolveString("producer", '${join("/", split(":", "a:b"))}-${format("%s-%s", "x", aws_cloudwatch_log_group.logs.name)}')).toBe("a/b-x-/proximate/x");
  });

  test("IAM policy variables are left alone; expressions and unmodelled attributes are refused, not guessed", () => {
    expect(values.resolveString("producer", "arn:aws:s3:::b/${aws:username}/*")).toBe("arn:aws:s3:::b/${aws:username}/*");
    expect(() => values.resolveString("producer", '${sha256(aws_s3_bucket.bundle.arn)}')).toThrow(UnresolvedValue);
    expect(() => values.resolveString("producer", "${var.x}")).toThrow("is an expression the proof cannot evaluate");
    expect(() => values.resolveString("producer", "${aws_s3_bucket.bundle.website_endpoint}")).toThrow(
      "aws_s3_bucket.bundle.website_endpoint (stack producer) is computed by AWS and the proof does not model it",
    );
    expect(() => values.resolveString("consumer", "${data.terraform_remote_state.cross-stack-reference-input-producer.outputs.missing}")).toThrow("stack producer has no output missing");
  });

  test("interpolations are split with nested braces and quoted strings", () => {
    expect(splitInterpolations('a${x.y.z}b${f("}")}')).toEqual([
      { literal: true, text: "a" },
      { literal: false, text: "x.y.z" },
      { literal: true, text: "b" },
      { literal: false, text: 'f("}")' },
    ]);
  });
});
