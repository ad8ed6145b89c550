import { daskImage, DEFAULT_DASK_IMAGE } from "../../modules/compute/images";
import { defaultConfig, Synthesized, SynthesizedStack, synthApp } from "../helpers/synth";

/** Decodes the on-start script from `${base64encode("...")}` as synthesized. */
function onStartScript(stack: SynthesizedStack): string {
  const encoded = stack.resource("aws_sagemaker_notebook_instance_lifecycle_configuration", "notebook/lifecycle").on_start as string;
  const match = /^\$\{base64encode\((".*")\)\}$/s.exec(encoded);
  if (match === null) {
    throw new Error(`on_start is not a base64encode of a literal: ${encoded.slice(0, 80)}`);
  }
  return JSON.parse(match[1]) as string;
}

describe("notebook stack", () => {
  let app: Synthesized;
  let stack: SynthesizedStack;
  beforeAll(() => {
    app = synthApp(defaultConfig());
    stack = app.stack("notebook-eu-west-2");
  });

  test("a notebook instance in a private subnet: no direct internet, no root, KMS-encrypted volume, sizes from config", () => {
    const instance = stack.resource("aws_sagemaker_notebook_instance", "notebook/Default");
    expect(instance).toMatchObject({ direct_internet_access: "Disabled", root_access: "Disabled", instance_type: "ml.t3.medium", volume_size: 20 });
    expect(instance.kms_key_id).toBe(`\${${stack.address("aws_kms_key", "notebook/key")}.id}`);
    expect(instance.subnet_id).toMatch(/cross-stack-reference-input-network-eu-west-2\.outputs\..*private-eu-west-2a/);
    expect(instance.role_arn).toMatch(/cross-stack-reference-input-identity-eu-west-2\.outputs\..*notebook.*arn/);
    expect(stack.resource("aws_kms_key", "notebook/key").enable_key_rotation).toBe(true);
    // The lifecycle scripts run at creation with the role's policy: the instance waits for it.
    expect(instance.depends_on).toEqual([stack.address("aws_iam_role_policy", "notebook/policy")]);
  });

  test("the notebook runs on Amazon Linux 2023, not on Amazon Linux 2 (end of support 2026-06-30)", () => {
    const instance = stack.resource("aws_sagemaker_notebook_instance", "notebook/Default");
    // The pinned provider rejects "notebook-al2023-v1"; left unset, SageMaker's default is AL2023.
    expect(instance.platform_identifier).toBeUndefined();
    expect(JSON.stringify(stack.json)).not.toMatch(/notebook-al[12]-/);
  });

  test("the lifecycle uses the AL2023 conda_python3 environment, checks its Python, and installs with its pip", () => {
    const script = onStartScript(stack);
    expect(script).toContain("test -d /home/ec2-user/anaconda3/envs/python3 ||");
    expect(script).toContain("source /home/ec2-user/anaconda3/bin/activate python3");
    expect(script).toContain("sys.version_info >= (3, 9)");
    expect(script).toMatch(/python -m pip install --quiet --no-cache-dir dask==/);
    expect(script).not.toMatch(/\byum\b/);
    expect(script).not.toMatch(/(^|\n)pip install/);
  });

  test("the lifecycle installs exactly the cluster image's Dask and distributed", () => {
    const script = onStartScript(stack);
    const image = daskImage(DEFAULT_DASK_IMAGE);
    const pinned = (name: string) => new RegExp(`(^|\\s)${name}==([^\\s]+)`).exec(script)?.[2];
    expect(pinned("dask")).toBe(image.clientPackages.dask);
    expect(pinned("distributed")).toBe(image.clientPackages.distributed);
    // ... and that is the version the scheduler and workers run: their image tag.
    const schedulerImage = app.stack("scheduler-eu-west-2").resource("aws_ecs_task_definition", "scheduler/task").container_definitions as string;
    expect(schedulerImage).toContain(`/${image.repository}:${image.tag}`);
    for (const [name, version] of Object.entries(image.clientPackages)) {
      expect(pinned(name)).toBe(version);
    }
  });

  test("the lifecycle installs the helper and syncs the notebooks from the bundle bucket, and sets the connection", () => {
    const script = onStartScript(stack);
    expect(script).toContain("pip install --quiet --no-deps /tmp/proximate-bundle/src");
    expect(script).toMatch(/aws s3 cp 's3:\/\/\$\{aws_s3_bucket\.[^}]+\.id\}\/bundles\/[0-9A-F]+\.zip'/i);
    expect(script).toContain("cp -f /tmp/proximate-bundle/src/notebooks/*.ipynb /home/ec2-user/SageMaker/proximate/");
    expect(script).toContain("'PROXIMATE_SCHEDULER': 'tcp://scheduler.proximate.internal:8786'");
    expect(script).toContain("'PROXIMATE_CATALOG_DOMAIN': 'proximate-catalog'");
    expect(script).toContain("'PROXIMATE_CATALOG_REGION': 'eu-west-2'");
    expect(script).not.toContain("'PROXIMATE_CATALOG':");
    expect(script).toContain("nohup sudo -u ec2-user -i /home/ec2-user/proximate-setup.sh");
  });

  test("the bundle is uploaded from the repository at deploy time, KMS-encrypted, into a private bucket", () => {
    const object = stack.resource("aws_s3_object", "notebook/bundle-object");
    expect(object.source).toMatch(/^assets\/.+\.zip$/);
    expect(object.server_side_encryption).toBe("aws:kms");
    expect(stack.resource("aws_s3_bucket_public_access_block", "notebook/bundle-bucket/public-access").restrict_public_buckets).toBe(true);
    expect(stack.resource("aws_s3_bucket_server_side_encryption_configuration", "notebook/bundle-bucket/encryption").rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe(
      "aws:kms",
    );
  });

  test("the role reads its bundle, queries the catalog and writes its logs: no managed *FullAccess, no * action", () => {
    const policy = stack.resource("aws_iam_role_policy", "notebook/policy").policy as string;
    expect(policy).toContain('"s3:GetObject"');
    expect(policy).toContain('"es:ESHttpPost"');
    // finds the catalog endpoint by name: DescribeDomain on exactly the domain's ARN, whose
    // partition and account come from the notebook role's ARN (no data source, no catalog stack)
    const role = "data.terraform_remote_state.cross-stack-reference-input-identity-eu-west-2.outputs.cross-stack-output-aws_iam_rolenotebookarn";
    const domainArn = `arn:\${element(split(":", ${role}), 1)}:es:eu-west-2:\${element(split(":", ${role}), 4)}:domain/proximate-catalog`;
    expect(policy).toContain(`{"Sid" = "FindCatalog", "Effect" = "Allow", "Action" = ["es:DescribeDomain"], "Resource" = "${domainArn}"}`);
    expect(policy).toContain(`"Action" = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"], "Resource" = "${domainArn}/*"}`);
    expect(policy).not.toMatch(/"Action" = "\*"|"\*:\*"|"s3:\*"|"es:\*"/);
    expect(stack.resources("aws_iam_role_policy_attachment")).toEqual({});
  });

  test("it waits for neither the catalog stack nor the scheduler stack", () => {
    expect([...app.manifest.stacks["notebook-eu-west-2"].dependencies].sort()).toEqual(["identity-eu-west-2", "network-eu-west-2"]);
  });
});
