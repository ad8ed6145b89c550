import { Fn } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { OpensearchDomain } from "@cdktf/provider-aws/lib/opensearch-domain";
import { OpensearchDomainPolicy } from "@cdktf/provider-aws/lib/opensearch-domain-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { CatalogPlan } from "../modules/config/topology";
import { policy } from "../modules/iam";
import { FLOW_ROLE_TAG } from "../modules/network/ports";

/** Properties of a {@link CatalogDomain}. */
export interface CatalogDomainProps {
  readonly namePrefix: string;
  readonly plan: CatalogPlan;
  readonly vpc: Vpc;
  /** One subnet per zone the domain spreads over. */
  readonly subnets: readonly Subnet[];
  /** CIDRs that reach HTTPS: the client Region (notebook) and every worker Region (indexers). */
  readonly clientCidrs: Readonly<Record<string, string>>;
  /** The only principals the domain admits (notebook and indexer roles). */
  readonly principalArns: readonly string[];
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * The dataset catalog: an OpenSearch 2.x domain in the client VPC (one subnet per zone, zone
 * awareness), encrypted at rest and between nodes, HTTPS only with TLS 1.2 or later, logging to
 * CloudWatch, with an access policy that admits only the notebook and indexer roles.
 */
export class CatalogDomain extends Construct {
  public readonly domain: OpensearchDomain;
  public readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: CatalogDomainProps) {
    super(scope, id);
    const zones = props.subnets.length;
    if (props.plan.instanceCount % zones !== 0) {
      throw new Error(`CatalogDomain ${id}: instanceCount ${props.plan.instanceCount} is not a multiple of the ${zones} zones`);
    }
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: `${props.namePrefix}-catalog`,
      // EC2 accepts only a-z A-Z 0-9 spaces ._-:/()#,@[]+=&;{}!$* in descriptions (no apostrophe):
      // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
      description: "Catalog domain: HTTPS from the notebook and the indexer Regions",
      vpcId: props.vpc.id,
      tags: { Name: `${props.namePrefix}-catalog`, [FLOW_ROLE_TAG]: "opensearch" },
    });
    for (const [name, cidr] of Object.entries(props.clientCidrs)) {
      new VpcSecurityGroupIngressRule(this, `https-from-${name}`, {
        securityGroupId: this.securityGroup.id,
        description: `HTTPS from ${name}`,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
      });
    }
    const logTypes = ["ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS"] as const;
    const logGroups = logTypes.map(
      (type) =>
        new CloudwatchLogGroup(this, `logs-${type.toLowerCase()}`, {
          name: `/proximate/${props.namePrefix}/catalog/${type.toLowerCase()}`,
          retentionInDays: props.logRetentionDays ?? 30,
        }),
    );
    const logPolicy = new CloudwatchLogResourcePolicy(this, "log-policy", {
      policyName: `${props.namePrefix}-catalog-logs`,
      policyDocument: Fn.jsonencode(
        policy({
          Effect: "Allow",
          Principal: { Service: "es.amazonaws.com" },
          Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
          Resource: logGroups.map((group) => `${group.arn}:*`),
        }),
      ),
    });
    // The VPC domain needs the account's AWSServiceRoleForAmazonOpenSearchService: account-wide,
    // ensured by `npm run bootstrap` (modules/aws/service-linked-roles.ts), never in this state.
    this.domain = new OpensearchDomain(this, "Default", {
      domainName: props.plan.domainName,
      engineVersion: props.plan.engineVersion,
      clusterConfig: {
        instanceType: props.plan.instanceType,
        instanceCount: props.plan.instanceCount,
        zoneAwarenessEnabled: zones > 1,
        zoneAwarenessConfig: zones > 1 ? { availabilityZoneCount: zones } : undefined,
      },
      ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: props.plan.volumeSizeGiB },
      vpcOptions: { subnetIds: props.subnets.map((s) => s.id), securityGroupIds: [this.securityGroup.id] },
      encryptAtRest: { enabled: true },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
      logPublishingOptions: logTypes.map((type, index) => ({ logType: type, cloudwatchLogGroupArn: logGroups[index].arn, enabled: true })),
      dependsOn: [logPolicy],
    });
    new OpensearchDomainPolicy(this, "access-policy", {
      domainName: this.domain.domainName,
      accessPolicies: Fn.jsonencode(
        policy({
          Sid: "NotebookAndIndexersOnly",
          Effect: "Allow",
          Principal: { AWS: props.principalArns },
          Action: ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"],
          Resource: `${this.domain.arn}/*`,
        }),
      ),
    });
  }
}
