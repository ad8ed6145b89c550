import { isPublicPrincipal, readPolicyArgument } from "../../../modules/guardrails/policy";
import { dataSource, stack } from "./fixtures";

describe("readPolicyArgument", () => {
  test("normalises statements: single objects and strings become arrays", () => {
    const read = readPolicyArgument('{"Statement": {"Sid": "One", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}', stack());
    expect(read).toEqual({
      statements: [{ index: 1, sid: "One", effect: "Allow", actions: ["s3:GetObject"], notActions: [], resources: ["*"], notResources: [], principal: undefined, notPrincipal: undefined, condition: undefined }],
    });
  });

  test("reads an aws_iam_policy_document data source, with principals and conditions", () => {
    const doc = dataSource("aws_iam_policy_document", "d", {
      statement: [{ actions: ["es:ESHttpGet"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["*"] }], condition: [{ test: "IpAddress", variable: "aws:SourceIp", values: ["10.0.0.0/16"] }] }],
    });
    const read = readPolicyArgument("${data.aws_iam_policy_document.d.json}", stack(doc));
    expect(read).toMatchObject({ statements: [{ effect: "Allow", principal: { AWS: ["*"] }, condition: { IpAddress: { "aws:SourceIp": ["10.0.0.0/16"] } } }] });
  });

  test("fails on a document that is not a policy", () => {
    expect(readPolicyArgument("[1]", stack())).toEqual({ error: "is not a policy document (a JSON object with Statement)" });
  });
});

describe("isPublicPrincipal", () => {
  test.each([["*", true], [{ AWS: "*" }, true], [{ AWS: ["arn:aws:iam::1:root", "*"] }, true], [{ AWS: "arn:aws:iam::1:root" }, false], [{ Service: "es.amazonaws.com" }, false]])(
    "%j -> %s",
    (principal, expected) => {
      expect(isPublicPrincipal(principal)).toBe(expected);
    },
  );
});
