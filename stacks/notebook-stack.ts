import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { NotebookWorkspace } from "../constructs/notebook-workspace";
import { stackName } from "../modules/naming";
import { IdentityStack } from "./identity-stack";
import { NetworkStack } from "./network-stack";
import { RegionStack, RegionStackProps } from "./region-stack";

/** Properties of a {@link NotebookStack}. */
export interface NotebookStackProps extends RegionStackProps {
  readonly network: NetworkStack;
  readonly identity: IdentityStack;
  /** Zip of the notebook bundle (helper package + notebooks). */
  readonly bundleArchive: string;
}

/**
 * Client Region: the scientists' SageMaker notebook instance. It knows the catalog domain by
 * name and the scheduler by its DNS name, and looks both up at run time, so it waits for
 * neither the catalog stack (OpenSearch, 15-25 minutes) nor the scheduler stack: one slow stack
 * per path in the stack graph.
 */
export class NotebookStack extends RegionStack {
  public readonly workspace: NotebookWorkspace;

  constructor(scope: Construct, props: NotebookStackProps) {
    super(scope, stackName("notebook", props.region), props);
    const topology = props.topology;
    this.workspace = new NotebookWorkspace(this, "notebook", {
      namePrefix: this.namePrefix,
      region: props.region,
      vpc: props.network.network.vpc,
      subnet: props.network.network.privateSubnets[0],
      clientCidr: topology.client.cidr,
      role: props.identity.notebookRole,
      image: topology.daskImage,
      bundleArchive: props.bundleArchive,
      schedulerDnsName: topology.schedulerDnsName,
      catalogDomainName: topology.catalog.domainName,
      instanceType: topology.notebook.instanceType,
      volumeSizeGiB: topology.notebook.volumeSizeGiB,
    });
    const instance = this.workspace.instance;
    new TerraformOutput(this, "notebook-name", { description: "Notebook instance", value: instance.name });
    new TerraformOutput(this, "notebook-url", {
      description: "Notebook URL (signs in through the AWS console, or open it with the command below)",
      value: `https://${instance.url}`,
    });
    // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePresignedNotebookInstanceUrl.html
    new TerraformOutput(this, "notebook-open-command", {
      description: "Open the notebook: a presigned URL, valid for 5 minutes (needs sagemaker:CreatePresignedNotebookInstanceUrl)",
      value: `aws sagemaker create-presigned-notebook-instance-url --region ${props.region} --notebook-instance-name ${instance.name} --query AuthorizedUrl --output text`,
    });
  }
}
