import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { DashboardLoadBalancer } from "../../../constructs/dashboard-load-balancer";
import { applyGuardrails, ResolvedStack, suppress } from "../../../constructs/guardrails";
import { RULES, rulesByType } from "../../../modules/guardrails/registry";
import { defaultConfig } from "../../helpers/synth";
import { generateConfig } from "../../../modules/config/generate";
import { synthTopology, synthWithGuardrails, testApp, TestStack } from "./guarded-app";

/** An unencrypted, policy-less bucket and a security group open to the internet on SSH. */
function insecureStack(id = "insecure", app: App = testApp()): TestStack {
  const stack = new TestStack(app, id);
  new S3Bucket(stack, "open-bucket", { bucket: "proximate-open-bucket" });
  const group = new SecurityGroup(stack, "ssh", { name: "ssh", vpcId: "vpc-123" });
  new VpcSecurityGroupIngressRule(stack, "ssh-from-anywhere", { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" });
  return stack;
}

describe("guardrails on the shipped topology", () => {
  const synthesized = synthTopology(defaultConfig());

  test("the default topology synthesizes with no unsuppressed violation", () => {
    const problems = synthesized.reportJson.findings.filter((f) => f.status === "non-compliant").map((f) => `${f.rule} ${f.stack} ${f.address}: ${f.reason}`);
    expect(problems).toEqual([]);
    expect(synthesized.error).toBeUndefined();
    expect(existsSync(join(synthesized.outdir, "manifest.json"))).toBe(true);
  });

  test("the report lists every checked resource (the state bucket's versioning: __tests__/stacks/state-stack.test.ts)", () => {
    const { findings } = synthesized.reportJson;
    expect(findings.filter((f) => f.rule === "VPC-FLOW-LOGS").map((f) => f.stack).sort()).toEqual(["network-eu-west-2", "network-us-east-1", "network-us-west-2"]);
    expect(findings.filter((f) => f.rule === "EC2-IMDSV2" && f.status === "compliant").length).toBeGreaterThanOrEqual(6);
    expect(synthesized.reportMarkdown).toContain("| rule | stack | address | status | reason |");
  });

  test("the aspect sees each resource exactly as it is synthesized", () => {
    const types = rulesByType(RULES);
    let compared = 0;
    for (const stack of synthesized.app.node.children.filter(TerraformStack.isStack)) {
      const file = join(synthesized.outdir, "stacks", stack.node.id, "cdk.tf.json");
      if (!existsSync(file)) {
        continue; // not written: synth stopped at an earlier stack's violation (reported by the test above)
      }
      const json = JSON.parse(readFileSync(file, "utf8"));
      const resolved = new ResolvedStack(stack);
      for (const type of types.keys()) {
        for (const view of resolved.resources(type)) {
          const { "//": _metadata, ...expected } = json.resource[type][view.name];
          expect({ address: view.address, config: JSON.parse(JSON.stringify(view.config)) }).toEqual({ address: view.address, config: expected });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe("guardrails on a multi-Region topology with a public dashboard", () => {
  test("four worker Regions and dashboard.public synthesize with no unsuppressed violation", () => {
    const certificateArn = "arn:aws:acm:eu-west-2:123456789012:certificate/abc";
    const synthesized = synthTopology(generateConfig(4, { dashboard: { public: true, certificateArn } }));
    expect(synthesized.reportJson.findings.filter((f) => f.status === "non-compliant")).toEqual([]);
    expect(synthesized.error).toBeUndefined();
    expect(new Set(synthesized.reportJson.findings.filter((f) => f.rule === "VPC-FLOW-LOGS").map((f) => f.stack)).size).toBe(5);
    expect(synthesized.reportJson.findings.filter((f) => f.rule === "LB-INTERNAL").map((f) => f.reason)).toEqual([
      "public dashboard (dashboard.public); its listeners are checked by LB-HTTPS-ONLY",
    ]);
    expect(synthesized.reportJson.findings.filter((f) => f.rule === "LB-HTTPS-ONLY").map((f) => f.status)).toEqual(["compliant"]);
  });
});

describe("a violation fails synth", () => {
  test("fails when a bucket is unencrypted and a security group admits 0.0.0.0/0, naming rules, addresses and fixes", () => {
    const app = testApp();
    insecureStack("insecure", app);
    const result = synthWithGuardrails(app, { allowPublicDashboard: false });
    expect(result.error?.message).toContain('Encountered Annotations with level "ERROR"');
    expect(result.error?.message).toContain("[S3-ENCRYPTION] aws_s3_bucket.open-bucket in stack insecure (insecure/open-bucket): has no default encryption configuration in this stack. Fix: Add an aws_s3_bucket_server_side_encryption_configuration");
    expect(result.error?.message).toContain("[S3-PUBLIC-ACCESS-BLOCK] aws_s3_bucket.open-bucket");
    expect(result.error?.message).toContain("[S3-TLS-ONLY] aws_s3_bucket.open-bucket");
    expect(result.error?.message).toContain("[SG-NO-OPEN-INGRESS] aws_vpc_security_group_ingress_rule.ssh-from-anywhere in stack insecure (insecure/ssh-from-anywhere): rule admits 0.0.0.0/0 on tcp 22");
    expect(existsSync(join(result.outdir, "stacks", "insecure", "cdk.tf.json"))).toBe(false);
    expect(result.reportJson.totals["non-compliant"]).toBe(4);
  });

  test("a suppression with a written reason lets synth pass and is reported with its reason", () => {
    const app = testApp();
    const stack = insecureStack("insecure", app);
    const bucket = stack.node.findChild("open-bucket");
    suppress(bucket, "S3-ENCRYPTION", "test fixture: the bucket holds only public data");
    suppress(bucket, "S3-PUBLIC-ACCESS-BLOCK", "test fixture: the bucket holds only public data");
    suppress(bucket, "S3-TLS-ONLY", "test fixture: the bucket holds only public data");
    suppress(stack, "SG-NO-OPEN-INGRESS", "test fixture: a bastion reached over SSH from anywhere");
    const result = synthWithGuardrails(app, { allowPublicDashboard: false });
    expect(result.error).toBeUndefined();
    expect(result.reportJson.totals).toMatchObject({ "non-compliant": 0, suppressed: 4 });
    expect(result.reportJson.findings).toContainEqual({
      rule: "SG-NO-OPEN-INGRESS",
      stack: "insecure",
      address: "aws_vpc_security_group_ingress_rule.ssh-from-anywhere",
      path: "insecure/ssh-from-anywhere",
      status: "suppressed",
      reason: "test fixture: a bastion reached over SSH from anywhere (problem: rule admits 0.0.0.0/0 on tcp 22)",
    });
    expect(result.reportMarkdown).toContain("| SG-NO-OPEN-INGRESS | insecure | insecure | 1 | test fixture: a bastion reached over SSH from anywhere |");
  });

  test("fails when a suppression has no reason", () => {
    const stack = insecureStack();
    expect(() => suppress(stack, "SG-NO-OPEN-INGRESS", "")).toThrow('suppress(insecure, "SG-NO-OPEN-INGRESS"): reason: got "": is empty');
  });

  test("the report covers every stack even when synth stops at the first failing one", () => {
    const app = testApp();
    insecureStack("a-insecure", app);
    const second = new TestStack(app, "b-also-insecure");
    new S3Bucket(second, "other", { bucket: "other-open-bucket" });
    const result = synthWithGuardrails(app, { allowPublicDashboard: false });
    expect(result.error?.message).toContain("a-insecure");
    expect(result.error?.message).not.toContain("b-also-insecure");
    expect(result.reportJson.findings.filter((f) => f.stack === "b-also-insecure" && f.status === "non-compliant").map((f) => f.rule)).toEqual([
      "S3-ENCRYPTION",
      "S3-PUBLIC-ACCESS-BLOCK",
      "S3-TLS-ONLY",
    ]);
  });

  test("fails when a stack is created after applyGuardrails", () => {
    const app = testApp();
    new TestStack(app, "first");
    applyGuardrails(app, { allowPublicDashboard: false });
    new TestStack(app, "late");
    expect(() => app.synth()).toThrow("guardrails: stack late was created after applyGuardrails() and is not checked");
  });

  test("applying twice with the same props is one application; with other props it fails", () => {
    const app = testApp();
    new TestStack(app, "only");
    const guardrails = applyGuardrails(app, { allowPublicDashboard: false });
    expect(applyGuardrails(app, { allowPublicDashboard: false })).toBe(guardrails);
    expect(() => applyGuardrails(app, { allowPublicDashboard: true })).toThrow("applyGuardrails: already applied to this app");
  });
});

describe("the public dashboard", () => {
  function dashboardApp(isPublic: boolean): App {
    const app = testApp();
    const stack = new TestStack(app, "dashboard");
    const vpc = new Vpc(stack, "vpc", { cidrBlock: "10.0.0.0/16" });
    const subnets = ["a", "b"].map((zone, i) => new Subnet(stack, `subnet-${zone}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `eu-west-2${zone}` }));
    new DashboardLoadBalancer(stack, "dashboard", {
      namePrefix: "test",
      region: "eu-west-2",
      vpc,
      vpcCidr: "10.0.0.0/16",
      subnets,
      allowedCidrs: ["10.0.0.0/16"],
      public: isPublic,
      certificateArn: isPublic ? "arn:aws:acm:eu-west-2:123456789012:certificate/abc" : undefined,
    });
    return app;
  }

  test("fails when the dashboard is public but dashboard.public is not configured", () => {
    const result = synthWithGuardrails(dashboardApp(true), { allowPublicDashboard: false });
    const failed = result.reportJson.findings.filter((f) => f.status === "non-compliant").map((f) => f.rule);
    expect(failed.sort()).toEqual(["LB-INTERNAL", "SG-NO-OPEN-INGRESS", "VPC-FLOW-LOGS"]);
    expect(result.error?.message).toContain("[LB-INTERNAL] aws_lb.dashboard in stack dashboard (dashboard/dashboard/Default): is internet-facing (internal is false)");
  });

  test("a public dashboard configured as such passes its rules (HTTPS only on 443)", () => {
    const result = synthWithGuardrails(dashboardApp(true), { allowPublicDashboard: true });
    const byRule = (rule: string) => result.reportJson.findings.filter((f) => f.rule === rule).map((f) => f.status);
    expect(byRule("LB-INTERNAL")).toEqual(["compliant"]);
    expect(byRule("LB-HTTPS-ONLY")).toEqual(["compliant"]);
    expect(byRule("SG-NO-OPEN-INGRESS")).not.toContain("non-compliant");
  });
});
