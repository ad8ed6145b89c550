import { HclSyntaxError, parseHclExpression, readJsonArgument } from "../../../modules/guardrails/hcl";

describe("parseHclExpression", () => {
  test("reads object and tuple constructors with literals, as cdktf renders Fn.jsonencode", () => {
    expect(parseHclExpression('{"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "N" = 3, "B" = true, "Z" = null}]}')).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", N: 3, B: true, Z: null }],
    });
  });

  test("keeps references and other expressions as opaque ${...} strings", () => {
    expect(parseHclExpression('[aws_s3_bucket.b.arn, data.terraform_remote_state.x.outputs.y, element(var.list, 0), a ? "x" : "y"]')).toEqual([
      "${aws_s3_bucket.b.arn}",
      "${data.terraform_remote_state.x.outputs.y}",
      "${element(var.list, 0)}",
      '${a ? "x" : "y"}',
    ]);
  });

  test("keeps interpolations in templates verbatim, with nested quotes and braces", () => {
    expect(parseHclExpression('"${aws_cloudwatch_log_group.l.arn}:*"')).toBe("${aws_cloudwatch_log_group.l.arn}:*");
    expect(parseHclExpression('"${replace(x, "}", "{")}/*"')).toBe('${replace(x, "}", "{")}/*');
  });

  test("decodes escapes and the $${ and %%{ escapes of literal text", () => {
    expect(parseHclExpression('"a\\"b\\\\c\\n\\u00e9 $${aws:username} %%{x}"')).toBe('a"b\\c\né ${aws:username} %{x}');
  });

  test("accepts newline-separated attributes, identifier keys and ':' separators", () => {
    expect(parseHclExpression('{\n  a = 1\n  b = x.y\n  "c": "d"\n}')).toEqual({ a: 1, b: "${x.y}", c: "d" });
  });

  test.each(['{"a" = "b"', '["a", "b"', '"open', "{a 1}", ""])("fails on malformed text %j", (text) => {
    expect(() => parseHclExpression(text)).toThrow(HclSyntaxError);
  });
});

describe("readJsonArgument", () => {
  test("reads ${jsonencode(...)} and JSON strings", () => {
    expect(readJsonArgument('${jsonencode({"Statement" = []})}')).toEqual({ document: { Statement: [] } });
    expect(readJsonArgument('{"Statement": []}')).toEqual({ document: { Statement: [] } });
  });

  test("refuses values known only at apply time, saying why", () => {
    expect(readJsonArgument("${aws_iam_policy.p.policy}")).toEqual({ error: "is an expression (${aws_iam_policy.p.policy}) whose value is known only at apply time" });
    expect(readJsonArgument("${jsonencode(local.policy)}")).toEqual({ error: "is jsonencode of an expression (${local.policy}), not of a literal document" });
    expect(readJsonArgument('{"Statement": ')).toHaveProperty("error");
  });
});
