import { Caller, makeCall } from "../../../modules/iam-proof/calls";
import { evaluateCall } from "../../../modules/iam-proof/evaluate";
import { PolicyWorld } from "../../../modules/iam-proof/policies";
import { describeStatement } from "../../../modules/iam-proof/statements";
import { app, doc, NO_MANAGED, trust, world } from "./fixtures";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function call(w: PolicyWorld, caller: Caller, action: string, resources: Json, context: Json = {}) {
  return evaluateCall(w, makeCall({ caller, principal: "p", region: "us-east-1", account: "123456789012", action, resources, context, purpose: "test", derivedFrom: "test" }));
}

const role = (name: string): Caller => ({ kind: "role", arn: `arn:aws:iam::123456789012:role/${name}`, name, address: { stack: "s", type: "aws_iam_role", name } });

describe("the policies of an app", () => {
  const output = app({
    s: {
      resource: {
        aws_iam_role: {
          a: { name: "a", assume_role_policy: trust("lambda.amazonaws.com") },
          b: { name: "b", assume_role_policy: trust("lambda.amazonaws.com"), inline_policy: [{ name: "own", policy: doc({ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }) }] },
        },
        aws_iam_policy: { shared: { name: "shared", policy: doc({ Sid: "Topics", Effect: "Allow", Action: "sns:Publish", Resource: "${aws_sns_topic.t.arn}" }) } },
        aws_iam_role_policy_attachment: {
          a: { role: "${aws_iam_role.a.name}", policy_arn: "${aws_iam_policy.shared.arn}" },
          b: { role: "${aws_iam_role.b.name}", policy_arn: "${aws_iam_policy.shared.arn}" },
          managed: { role: "${aws_iam_role.a.name}", policy_arn: "arn:aws:iam::aws:policy/NotKnownHere" },
        },
        aws_sns_topic: { t: { name: "t", kms_master_key_id: "${aws_kms_alias.k.name}" } },
        aws_sns_topic_policy: { t: { arn: "${aws_sns_topic.t.arn}", policy: doc({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: "${aws_sns_topic.t.arn}" }) } },
        aws_kms_key: { k: {} },
        aws_kms_alias: { k: { name: "alias/alerts", target_key_id: "${aws_kms_key.k.key_id}" } },
        aws_kms_key_policy: { k: { key_id: "${aws_kms_key.k.id}", policy: doc({ Sid: "Events", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "kms:GenerateDataKey*", Resource: "*" }) } },
        aws_lambda_function: { f: { function_name: "f", role: "${aws_iam_role.a.arn}" } },
        aws_lambda_permission: { f: { statement_id: "FromRule", action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.f.function_name}", principal: "events.amazonaws.com", source_arn: "arn:aws:events:us-east-1:123456789012:rule/r" } },
      },
    },
  });
  const w = world(output, NO_MANAGED);

  test("a customer managed policy attached to two roles is one document with two holders", () => {
    const shared = w.documents.find((document) => document.source.address === "aws_iam_policy.shared");
    expect(shared?.holders).toEqual(["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b"]);
    expect(call(w, role("b"), "sns:Publish", { topic: "arn:aws:sns:us-east-1:123456789012:t" }).resources[0].allowedBy.map(describeStatement)).toEqual(["s aws_iam_policy.shared statement 1 Sid Topics"]);
    expect(w.roles.get("arn:aws:iam::123456789012:role/b")?.grants.get(shared!.source)).toEqual([{ stack: "s", type: "aws_iam_role_policy_attachment", name: "b" }]);
    expect(call(w, role("b"), "sqs:SendMessage", { queue: "arn:aws:sqs:us-east-1:123456789012:q" }).allowed).toBe(true);
  });

  test("an attachment of a policy neither of the topology nor AWS-managed is a problem, not silently nothing", () => {
    expect(w.problems.map((problem) => problem.problem)).toEqual(["attaches arn:aws:iam::aws:policy/NotKnownHere, which is neither a policy of the topology nor an AWS-managed policy known to (none)"]);
  });

  test("separate topic and key policy resources replace the defaults; a topic key named by its alias is found", () => {
    const events: Caller = { kind: "service", service: "events.amazonaws.com" };
    const key = w.keyOf("s", "${aws_kms_alias.k.name}");
    expect(key?.arn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    expect(call(w, events, "sns:Publish", { topic: "arn:aws:sns:us-east-1:123456789012:t" }).allowed).toBe(true);
    expect(call(w, events, "kms:GenerateDataKey", { key: key!.arn }).allowed).toBe(true);
    expect(call(w, events, "kms:Decrypt", { key: key!.arn }).allowed).toBe(false);
    // No default topic policy any more: the account's own principals need their identity policies.
    expect(call(w, { kind: "service", service: "cloudwatch.amazonaws.com" }, "sns:Publish", { topic: "arn:aws:sns:us-east-1:123456789012:t" }, { "aws:SourceOwner": "123456789012" }).allowed).toBe(false);
  });

  test("a Lambda permission is the function's resource policy, with its source condition", () => {
    const events: Caller = { kind: "service", service: "events.amazonaws.com" };
    const fn = "arn:aws:lambda:us-east-1:123456789012:function:f";
    expect(call(w, events, "lambda:InvokeFunction", { function: fn }, { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/r" }).allowed).toBe(true);
    expect(call(w, events, "lambda:InvokeFunction", { function: fn }, { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/other" }).allowed).toBe(false);
  });
});
