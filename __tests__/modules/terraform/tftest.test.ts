import { generateStackTest, mockProvider, placeholderFor, upstreamStackOf } from "../../../modules/terraform/tftest";

const upstream = {
  "network-eu-west-2": { "cross-stack-output-tgwid": { value: "${aws_ec2_transit_gateway.tgw.id}" }, "cross-stack-output-subnets": { value: "${[aws_subnet.a.id]}" } },
};
const lookup = (name: string) => {
  const outputs = (upstream as Record<string, Record<string, { value: unknown }>>)[name];
  if (outputs === undefined) {
    throw new Error(`unknown stack ${name}`);
  }
  return outputs;
};

const stack = {
  provider: { aws: [{ region: "us-east-1" }] },
  data: { terraform_remote_state: { "cross-stack-reference-input-network-eu-west-2": {} } },
  resource: {
    aws_ec2_transit_gateway_peering_attachment: {
      "to-eu-west-2": {
        "//": { metadata: {} },
        peer_region: "eu-west-2",
        peer_transit_gateway_id: "${data.terraform_remote_state.cross-stack-reference-input-network-eu-west-2.outputs.cross-stack-output-tgwid}",
        transit_gateway_id: "${aws_ec2_transit_gateway.local.id}",
        tags: { Name: "x" },
      },
    },
    aws_flow_log: { log: { iam_role_arn: "${aws_iam_role.role.arn}", max_aggregation_interval: 60, enabled: true } },
  },
  output: { "cross-stack-output-x": { value: "${aws_flow_log.log.id}", sensitive: true } },
};

describe("terraform test generation", () => {
  const generated = generateStackTest("peering-us-east-1", stack, lookup);
  const runs = generated.test.run as Record<string, { command: string; assert: { condition: string }[] }>;

  test("asserts declared literals in the plan run", () => {
    const conditions = runs.plan.assert.map((a) => a.condition);
    expect(conditions).toContain('${aws_ec2_transit_gateway_peering_attachment.to-eu-west-2.peer_region == "eu-west-2"}');
    expect(conditions).toContain("${aws_flow_log.log.max_aggregation_interval == 60}");
    expect(conditions).toContain("${aws_flow_log.log.enabled == true}");
    expect(conditions.some((c) => c.includes(".tags"))).toBe(false);
  });

  test("asserts that remote-state values arrive unchanged, with overrides derived from the upstream outputs", () => {
    const expected = placeholderFor("network-eu-west-2", "cross-stack-output-tgwid", "${aws_ec2_transit_gateway.tgw.id}");
    expect(runs.plan.assert.map((a) => a.condition)).toContain(
      `\${aws_ec2_transit_gateway_peering_attachment.to-eu-west-2.peer_transit_gateway_id == "${expected}"}`,
    );
    expect(generated.test.override_data).toEqual([
      { target: "data.terraform_remote_state.cross-stack-reference-input-network-eu-west-2", values: { outputs: { "cross-stack-output-tgwid": expected } } },
    ]);
  });

  test("asserts intra-stack wiring and outputs in the apply run", () => {
    const conditions = runs.apply.assert.map((a) => a.condition);
    expect(conditions).toContain("${aws_ec2_transit_gateway_peering_attachment.to-eu-west-2.transit_gateway_id == aws_ec2_transit_gateway.local.id}");
    expect(conditions).toContain("${aws_flow_log.log.iam_role_arn == aws_iam_role.role.arn}");
    expect(conditions).toContain("${output.cross-stack-output-x != null}");
    expect(generated.planAssertions).toBe(4);
    expect(generated.applyAssertions).toBe(4);
  });

  test("mocks well-formed ARNs for every resource type whose ARN is referenced", () => {
    expect(mockProvider(stack)).toEqual({
      mock_resource: [{ aws_iam_role: { defaults: { arn: "arn:aws:iam::123456789012:iam_role/mock" } } }],
    });
  });

  test("list outputs get list placeholders", () => {
    expect(placeholderFor("network-eu-west-2", "cross-stack-output-subnets", "${[aws_subnet.a.id]}")).toHaveLength(2);
  });

  test("fails when a stack reads an output its upstream does not declare", () => {
    const bad = { resource: { aws_route: { r: { gateway_id: "${data.terraform_remote_state.cross-stack-reference-input-network-eu-west-2.outputs.missing}" } } } };
    expect(() => generateStackTest("x", bad, lookup)).toThrow(/reads output "missing" that stack network-eu-west-2 does not declare/);
  });

  test("fails when a remote state does not follow cdktf's naming", () => {
    expect(() => upstreamStackOf("my-remote")).toThrow(/does not follow cdktf's cross-stack naming/);
  });
});
