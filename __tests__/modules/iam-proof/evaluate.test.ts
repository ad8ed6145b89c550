import { Caller, makeCall } from "../../../modules/iam-proof/calls";
import { evaluateCall } from "../../../modules/iam-proof/evaluate";
import { PolicyWorld } from "../../../modules/iam-proof/policies";
import { app, doc, trust, world } from "./fixtures";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROLE = "arn:aws:iam::123456789012:role/reader";
const BUCKET = "arn:aws:s3:::data-bucket";
const reader: Caller = { kind: "role", arn: ROLE, name: "reader", address: { stack: "s", type: "aws_iam_role", name: "reader" } };

/** One stack with a role `reader`, a bucket, a key and a topic; `extra` merges more resources. */
function fixture(identity: Json[], extra: Json = {}): PolicyWorld {
  const resource: Json = {
    aws_iam_role: { reader: { name: "reader", assume_role_policy: trust("ecs-tasks.amazonaws.com") } },
    aws_s3_bucket: { data: { bucket: "data-bucket" } },
    aws_kms_key: { key: {} },
    aws_sns_topic: { topic: { name: "alerts" } },
  };
  if (identity.length > 0) {
    resource.aws_iam_role_policy = { reader: { role: "${aws_iam_role.reader.id}", name: "read", policy: doc(...identity) } };
  }
  for (const [type, byName] of Object.entries(extra)) {
    resource[type] = { ...(resource[type] ?? {}), ...(byName as Json) };
  }
  return world(app({ s: { resource } }));
}

function call(w: PolicyWorld, caller: Caller, action: string, resources: Json, context: Json = {}) {
  return evaluateCall(w, makeCall({ caller, principal: "p", region: "us-east-1", account: "123456789012", action, resources, context, purpose: "test", derivedFrom: "test" }));
}

const keyArn = (w: PolicyWorld) => [...w.keys.keys()][0];

describe("policy evaluation", () => {
  test("an identity policy allows; the verdict names the statement", () => {
    const w = fixture([{ Sid: "Read", Effect: "Allow", Action: "s3:Get*", Resource: `${BUCKET}/*` }]);
    const verdict = call(w, reader, "s3:GetObject", { object: `${BUCKET}/k` });
    expect(verdict.allowed).toBe(true);
    expect(verdict.resources[0].allowedBy.map((s) => s.sid)).toEqual(["Read"]);
  });

  test("nothing allows: denied, naming the role, the action and the ARN", () => {
    const verdict = call(fixture([{ Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET}/public/*` }]), reader, "s3:GetObject", { object: `${BUCKET}/private/k` });
    expect(verdict.allowed).toBe(false);
    expect(verdict.resources[0].reason).toBe("no identity policy of role reader and no resource policy allows s3:GetObject on arn:aws:s3:::data-bucket/private/k");
  });

  test("an explicit Deny in the bucket policy wins over an identity Allow; a condition that does not hold keeps it out", () => {
    const policy = (condition?: Json) => ({
      aws_s3_bucket_policy: {
        data: { bucket: "${aws_s3_bucket.data.id}", policy: doc({ Sid: "NoWrites", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: `${BUCKET}/*`, ...(condition ? { Condition: condition } : {}) }) },
      },
    });
    const identity = [{ Effect: "Allow", Action: "s3:*", Resource: "*" }];
    const denied = call(fixture(identity, policy()), reader, "s3:GetObject", { object: `${BUCKET}/k` });
    expect(denied.allowed).toBe(false);
    expect(denied.resources[0].reason).toBe("explicitly denied by s aws_s3_bucket_policy.data statement 1 Sid NoWrites");
    expect(call(fixture(identity, policy({ Bool: { "aws:SecureTransport": "false" } })), reader, "s3:GetObject", { object: `${BUCKET}/k` }).allowed).toBe(true);
  });

  test("a resource policy that names the role allows without an identity policy; naming the account only delegates", () => {
    const byRole = fixture([], { aws_s3_bucket_policy: { data: { bucket: "${aws_s3_bucket.data.id}", policy: doc({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "s3:GetObject", Resource: `${BUCKET}/*` }) } } });
    expect(call(byRole, reader, "s3:GetObject", { object: `${BUCKET}/k` }).resources[0]).toMatchObject({ allowed: true, reason: "the resource policy allows the role" });
    const byAccount = fixture([], { aws_s3_bucket_policy: { data: { bucket: "${aws_s3_bucket.data.id}", policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: `${BUCKET}/*` }) } } });
    expect(call(byAccount, reader, "s3:GetObject", { object: `${BUCKET}/k` }).allowed).toBe(false);
  });

  test("KMS: the default key policy delegates to IAM, so an identity policy is needed", () => {
    const without = fixture([]);
    const denied = call(without, reader, "kms:Decrypt", { key: keyArn(without) });
    expect(denied.allowed).toBe(false);
    expect(denied.resources[0].reason).toMatch(/^the key policy delegates to IAM, but no identity policy of role reader allows kms:Decrypt/);
    const w = fixture([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "${aws_kms_key.key.arn}" }]);
    const allowed = call(w, reader, "kms:Decrypt", { key: keyArn(w) });
    expect(allowed.allowed).toBe(true);
    expect(allowed.resources[0].allowedBy.map((s) => s.source.kind)).toEqual(["default", "identity"]);
  });

  test("KMS: a key policy that neither names the role nor the account denies even with an identity Allow", () => {
    const w = fixture([{ Effect: "Allow", Action: "kms:*", Resource: "*" }], {
      aws_kms_key: { key: { policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/admin" }, Action: "kms:*", Resource: "*" }) } },
    });
    const verdict = call(w, reader, "kms:Decrypt", { key: keyArn(w) });
    expect(verdict.allowed).toBe(false);
    expect(verdict.resources[0].reason).toMatch(/^the key policy of arn:aws:kms:us-east-1:123456789012:key\/\S+ admits neither role reader nor its account for kms:Decrypt$/);
  });

  test("a service principal needs the resource policy; conditions on aws:SourceArn are read from the call", () => {
    const cloudwatch: Caller = { kind: "service", service: "cloudwatch.amazonaws.com" };
    const topic = "arn:aws:sns:us-east-1:123456789012:alerts";
    const alarm = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a";
    const w = fixture([], {
      aws_sns_topic: {
        topic: { name: "alerts", policy: doc({ Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: topic, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" } } }) },
      },
    });
    expect(call(w, cloudwatch, "sns:Publish", { topic }, { "aws:SourceArn": alarm }).allowed).toBe(true);
    const other = call(w, cloudwatch, "sns:Publish", { topic }, { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a" });
    expect(other.allowed).toBe(false);
    expect(other.resources[0].reason).toContain("would allow but its Condition");
    // Without a policy the topic has AWS's default one: the owner account's principals (AWS:SourceOwner).
    expect(call(fixture([]), cloudwatch, "sns:Publish", { topic }, { "aws:SourceOwner": "123456789012" }).allowed).toBe(true);
    expect(call(fixture([]), cloudwatch, "sns:Publish", { topic }, { "aws:SourceOwner": "999999999999" }).allowed).toBe(false);
  });

  test("NotAction and NotResource", () => {
    const w = fixture([
      { Effect: "Allow", NotAction: "s3:Delete*", Resource: `${BUCKET}/*` },
      { Effect: "Deny", Action: "s3:GetObject", NotResource: `${BUCKET}/public/*` },
    ]);
    expect(call(w, reader, "s3:PutObject", { object: `${BUCKET}/public/k` }).allowed).toBe(true);
    expect(call(w, reader, "s3:DeleteObject", { object: `${BUCKET}/public/k` }).allowed).toBe(false);
    expect(call(w, reader, "s3:GetObject", { object: `${BUCKET}/public/k` }).allowed).toBe(true);
    expect(call(w, reader, "s3:GetObject", { object: `${BUCKET}/private/k` }).resources[0].deniedBy).toHaveLength(1);
  });

  test("every resource of a call must be allowed (fsx:CreateDataRepositoryTask: the file system and the task)", () => {
    const fs = "arn:aws:fsx:us-east-1:123456789012:file-system/fs-1";
    const task = "arn:aws:fsx:us-east-1:123456789012:task/task-1";
    const narrow = call(fixture([{ Effect: "Allow", Action: "fsx:CreateDataRepositoryTask", Resource: fs }]), reader, "fsx:CreateDataRepositoryTask", { "file-system": fs, task });
    expect(narrow.allowed).toBe(false);
    expect(narrow.resources.map((r) => r.allowed)).toEqual([true, false]);
    expect(call(fixture([{ Effect: "Allow", Action: "fsx:CreateDataRepositoryTask", Resource: [fs, "arn:aws:fsx:us-east-1:*:task/*"] }]), reader, "fsx:CreateDataRepositoryTask", { "file-system": fs, task }).allowed).toBe(true);
  });

  test("sts:AssumeRole is judged by the trust policy, and only by it", () => {
    const ecs: Caller = { kind: "service", service: "ecs-tasks.amazonaws.com" };
    const lambda: Caller = { kind: "service", service: "lambda.amazonaws.com" };
    const w = fixture([]);
    expect(call(w, ecs, "sts:AssumeRole", { role: ROLE }).allowed).toBe(true);
    expect(call(w, lambda, "sts:AssumeRole", { role: ROLE }).allowed).toBe(false);
    // A trust policy grants nothing else on the role.
    const passRole = call(w, reader, "iam:PassRole", { role: ROLE });
    expect(passRole.allowed).toBe(false);
  });

  test("a resource outside the topology is judged by the identity side, and the verdict says so", () => {
    const verdict = call(fixture([{ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::era5-pds" }]), reader, "s3:ListBucket", { bucket: "arn:aws:s3:::era5-pds" });
    expect(verdict.resources[0]).toMatchObject({ allowed: true, reason: "an identity policy allows it (the resource is outside the topology: its own policy is not checked)" });
  });

  test("another account (load balancer log delivery) needs the bucket policy to name it", () => {
    const elb: Caller = { kind: "account", account: "652711504416" };
    const logs = `${BUCKET}/AWSLogs/123456789012/x`;
    const w = fixture([], { aws_s3_bucket_policy: { data: { bucket: "${aws_s3_bucket.data.id}", policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::652711504416:root" }, Action: "s3:PutObject", Resource: `${BUCKET}/AWSLogs/*` }) } } });
    expect(call(w, elb, "s3:PutObject", { object: logs }).allowed).toBe(true);
    expect(call(fixture([]), elb, "s3:PutObject", { object: logs }).allowed).toBe(false);
  });
});
