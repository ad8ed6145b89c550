import { Fn, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { FLOW_ROLE_TAG } from "../modules/network/ports";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { dataHostUserData, LustreMount } from "../modules/compute/user-data";
import { datasetReadStatements, policy, serviceTrust } from "../modules/iam";
import { LUSTRE_PORTS } from "../modules/network/ports";

/** SSM parameter of the current Amazon Linux 2023 AMI, resolved by EC2 at launch. */
export const AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** Properties of a {@link DataHost}. */
export interface DataHostProps {
  readonly namePrefix: string;
  readonly vpc: Vpc;
  readonly vpcCidr: string;
  readonly subnet: Subnet;
  /** S3 URIs of the Region's datasets (read-only access). */
  readonly datasetUris: readonly string[];
  /** @default "t3.medium" */
  readonly instanceType?: string;
  /** @default none: nothing to mount */
  readonly lustre?: LustreMount;
  /**
   * What must exist before the host boots: the file system's data repository associations (its
   * boot fails when a dataset path is missing).
   * @default none
   */
  readonly dataDependencies?: readonly ITerraformDependable[];
}

/**
 * The Region's standalone data host: an Amazon Linux 2023 instance managed through SSM
 * Session Manager only (no SSH key, no inbound rule, no public IP), IMDSv2 only, encrypted
 * root volume, mounting the Region's Lustre file system for inspection and maintenance. Its
 * role can read the Region's datasets and be managed by SSM, nothing else.
 */
export class DataHost extends Construct {
  public readonly instance: Instance;
  public readonly securityGroup: SecurityGroup;
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: DataHostProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-data-host`,
      description: "Data host: no inbound traffic (SSM Session Manager only)",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-data-host`, [FLOW_ROLE_TAG]: "data-host" },
    });
    new VpcSecurityGroupEgressRule(this, "https", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS to SSM endpoints and S3",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    LUSTRE_PORTS.forEach((range) => {
      new VpcSecurityGroupEgressRule(this, `lustre-${range.from}`, {
        securityGroupId: this.securityGroup.id,
        description: "FSx for Lustre in this VPC",
        ipProtocol: "tcp",
        fromPort: range.from,
        toPort: range.to,
        cidrIpv4: props.vpcCidr,
      });
    });
    this.role = new IamRole(this, "role", {
      name: `${props.namePrefix}-data-host`,
      assumeRolePolicy: Fn.jsonencode(serviceTrust("ec2.amazonaws.com")),
    });
    new IamRolePolicyAttachment(this, "ssm", { role: this.role.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" });
    new IamRolePolicy(this, "datasets", {
      role: this.role.id,
      name: "read-datasets",
      policy: Fn.jsonencode(policy(...datasetReadStatements(props.datasetUris))),
    });
    const profile = new IamInstanceProfile(this, "profile", { name: `${props.namePrefix}-data-host`, role: this.role.name });
    const template = new LaunchTemplate(this, "launch-template", {
      namePrefix: `${props.namePrefix}-data-host-`,
      imageId: `resolve:ssm:${AL2023_AMI_PARAMETER}`,
      instanceType: props.instanceType ?? "t3.medium",
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
      userData: Fn.base64encode(dataHostUserData(props.lustre)),
    });
    this.instance = new Instance(this, "Default", {
      launchTemplate: { id: template.id, version: template.latestVersion.toString() },
      subnetId: props.subnet.id,
      vpcSecurityGroupIds: [this.securityGroup.id],
      associatePublicIpAddress: false,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      // No root_block_device here: the launch template's mapping encrypts and sizes the root volume.
      // With one, the provider looks the image up (DescribeImages) to learn the root device name,
      // and the template's `resolve:ssm:` image is no AMI id: InvalidAMIID.Malformed
      // (hashicorp/terraform-provider-aws#43488).
      tags: { Name: `${props.namePrefix}-data-host` },
      dependsOn: props.dataDependencies ? [...props.dataDependencies] : undefined,
    });
  }
}
