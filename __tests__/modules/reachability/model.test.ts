import { buildNetworkModel } from "../../../modules/reachability/model";
import { References } from "../../../modules/reachability/references";
import { SynthOutput, TerraformJson } from "../../../modules/reachability/synth-output";

const backend = (key: string) => ({ s3: { bucket: "state", key, region: "eu-west-2" } });
const remote = (key: string) => ({ backend: "s3", config: { bucket: "state", key, region: "eu-west-2" } });

/** Two stacks: `net` owns the VPC and subnet; `app` reads them through remote state named unlike cdktf would. */
const output: SynthOutput = {
  stacks: new Map<string, TerraformJson>([
    [
      "net",
      {
        provider: { aws: [{ region: "us-east-1" }] },
        terraform: { backend: backend("p/net.tfstate") },
        resource: {
          aws_vpc: { vpc: { cidr_block: "10.1.0.0/16" } },
          aws_subnet: { a: { vpc_id: "${aws_vpc.vpc.id}", cidr_block: "10.1.0.0/24", availability_zone: "us-east-1a" } },
        },
        output: { vpc_out: { value: "${aws_vpc.vpc.id}" }, subnet_out: { value: "${aws_subnet.a.id}" } },
      },
    ],
    [
      "app",
      {
        provider: { aws: [{ region: "us-east-1" }] },
        terraform: { backend: backend("p/app.tfstate") },
        data: { terraform_remote_state: { network: remote("p/net.tfstate") } },
        resource: {
          aws_security_group: { hosts: { vpc_id: "${data.terraform_remote_state.network.outputs.vpc_out}", tags: { "proximate:flow-role": "worker-hosts" } } },
          aws_launch_template: { lt: { network_interfaces: [{ security_groups: ["${aws_security_group.hosts.id}"] }] } },
          aws_autoscaling_group: { asg: { launch_template: { id: "${aws_launch_template.lt.id}" }, vpc_zone_identifier: ["${data.terraform_remote_state.network.outputs.subnet_out}"] } },
          aws_vpc_security_group_egress_rule: { out: { security_group_id: "${aws_security_group.hosts.id}", ip_protocol: "-1", cidr_ipv4: "10.1.0.0/16" } },
        },
      },
    ],
  ]),
};

describe("References", () => {
  test("follows remote state to the producing stack by its backend, whatever the data source is named", () => {
    expect(new References(output).resolve("app", "${data.terraform_remote_state.network.outputs.subnet_out}")).toEqual({
      ok: true,
      ref: { stack: "net", type: "aws_subnet", name: "a", attribute: "id" },
    });
  });

  test("follows remote state of Terraform Cloud workspaces to the stack whose cloud block names the workspace", () => {
    const cloud: SynthOutput = {
      stacks: new Map<string, TerraformJson>([
        ["net", { terraform: { cloud: { organization: "org", workspaces: { name: "p-net" } } }, resource: { aws_vpc: { v: {} } }, output: { vpc: { value: "${aws_vpc.v.id}" } } }],
        ["app", { data: { terraform_remote_state: { anything: { backend: "remote", config: { organization: "org", workspaces: { name: "p-net" } } } } } }],
      ]),
    };
    expect(new References(cloud).resolve("app", "${data.terraform_remote_state.anything.outputs.vpc}")).toEqual({ ok: true, ref: { stack: "net", type: "aws_vpc", name: "v", attribute: "id" } });
  });

  test("says why a reference leads nowhere", () => {
    const refs = new References(output);
    expect(refs.resolve("app", "${data.terraform_remote_state.network.outputs.missing}")).toEqual({ ok: false, reason: "stack net has no output missing (read by stack app)" });
    expect(refs.resolveTo("app", "${aws_launch_template.gone.id}", ["aws_launch_template"])).toEqual({ ok: false, reason: "aws_launch_template.gone does not exist in stack app" });
    expect(refs.resolve("app", "sg-123")).toEqual({ ok: false, reason: '"sg-123" in stack app is not a reference' });
  });
});

describe("buildNetworkModel", () => {
  test("places a group where the users of its users are (launch template -> Auto Scaling group subnets)", () => {
    const group = buildNetworkModel(output).securityGroups.get("app/aws_security_group.hosts");
    expect(group).toMatchObject({ region: "us-east-1", vpc: "net/aws_vpc.vpc", role: "worker-hosts", subnets: ["net/aws_subnet.a"], placementNote: undefined });
    expect(group?.rules).toEqual([
      { label: "app/aws_vpc_security_group_egress_rule.out", direction: "egress", protocol: "all", fromPort: 0, toPort: 65535, cidrs: [expect.objectContaining({ cidr: "10.1.0.0/16" })], ipv6Cidrs: [], prefixLists: [], groups: [] },
    ]);
  });
});
