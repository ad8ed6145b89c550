import { Lazy, TerraformDataSource, TerraformResource, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { emulatedEndpoints, emulatedProviderSettings, endpointServicesFor } from "../modules/emulation/aws-endpoint";

/** Terraform types of every resource and data source in a stack. */
function typesIn(stack: TerraformStack): string[] {
  return stack.node
    .findAll()
    .filter((c): c is TerraformResource | TerraformDataSource => c instanceof TerraformResource || c instanceof TerraformDataSource)
    .map((c) => c.terraformResourceType);
}

/**
 * Test-only: sends a stack's AWS provider to an emulated AWS API (PROXIMATE_AWS_ENDPOINT) with
 * fake credentials and without the checks that need a real account. The endpoints cover every
 * service the stack's resources and data sources use, computed when the stack is synthesized
 * (so resources added after the provider count too).
 */
export function pointProviderAtEmulator(stack: TerraformStack, provider: AwsProvider, endpoint: string): void {
  for (const [name, value] of Object.entries(emulatedProviderSettings())) {
    provider.addOverride(name, value);
  }
  provider.addOverride("endpoints", Lazy.anyValue({ produce: () => emulatedEndpoints(endpoint, endpointServicesFor(typesIn(stack))) }));
}
