/**
 * Lambda functions: the execution role writes the function's logs, manages its VPC network
 * interfaces (checked by Lambda when the function is created or updated), and makes the calls
 * of the code the function runs (./code.ts), with the resources its wiring names: environment
 * variables, `aws_lambda_invocation` inputs and the payloads state machines send it.
 */
import { readJsonArgument } from "../../guardrails/hcl";
import { Address } from "../../reachability/references";
import { stringsIn } from "../../guardrails/refs";
import { addCodeCalls, domainsIn } from "./code";
import { blocks, Derivation, parseS3Uri, S3Location, unknownId, where } from "./context";

const LOGS_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html#monitoring-cloudwatchlogs-prereqs";
const VPC_DOC = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions";

/** The calls of every Lambda function's execution role. */
export function deriveLambdaFunctions(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_lambda_function")) {
    const label = where(address);
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const functionName = derivation.attempt(label, () => derivation.values.attribute(address, "function_name"));
    const functionArn = derivation.attempt(label, () => derivation.values.attribute(address, "arn"));
    const role = derivation.role(address.stack, config.role, label);
    if (region === undefined || functionName === undefined || functionArn === undefined || role === undefined) {
      continue;
    }
    const principal = derivation.principal({ name: `${role.caller.name} (execution role of function ${functionName})`, caller: role.caller, region, derivedFrom: label });
    derivation.assumedBy(role.caller, "lambda.amazonaws.com", region, label, { "aws:SourceArn": functionArn });

    const logging = blocks(config.logging_config)[0];
    const group = derivation.attempt(principal.name, () => (logging?.log_group !== undefined ? derivation.values.resolveString(address.stack, String(logging.log_group)) : `/aws/lambda/${functionName}`));
    if (group !== undefined) {
      for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
        derivation.add(principal, {
          action,
          resources: { "log-stream": { LogGroupName: group, LogStreamName: `${unknownId("Date")}/[$LATEST]${unknownId("InstanceId")}` } },
          purpose: `function logs to ${group}`,
          derivedFrom: `${label} logging_config`,
          doc: LOGS_DOC,
        });
      }
    }

    const vpc = blocks(config.vpc_config)[0];
    if (vpc !== undefined && vpc.subnet_ids !== undefined) {
      const subnets = (Array.isArray(vpc.subnet_ids) ? vpc.subnet_ids : [vpc.subnet_ids]).map((subnet) => derivation.attempt(principal.name, () => derivation.values.resolveString(address.stack, String(subnet))));
      const groups = (Array.isArray(vpc.security_group_ids) ? vpc.security_group_ids : []).map((group) => derivation.attempt(principal.name, () => derivation.values.resolveString(address.stack, String(group))));
      const derivedFrom = `${label} vpc_config`;
      const eni = { NetworkInterfaceId: unknownId("NetworkInterfaceId") };
      derivation.add(principal, {
        action: "ec2:CreateNetworkInterface",
        resources: {
          "network-interface": eni,
          subnet: subnets.filter((id): id is string => id !== undefined).map((id) => ({ SubnetId: id })),
          "security-group": groups.filter((id): id is string => id !== undefined).map((id) => ({ SecurityGroupId: id })),
        },
        purpose: "create the function's network interfaces in its subnets (checked when the function is created)",
        derivedFrom,
        doc: VPC_DOC,
        checkedWhenCreating: address,
      });
      derivation.add(principal, { action: "ec2:DescribeNetworkInterfaces", purpose: "find the function's network interfaces (checked when the function is created)", derivedFrom, doc: VPC_DOC, checkedWhenCreating: address });
      derivation.add(principal, { action: "ec2:DescribeSubnets", purpose: "find the function's subnets", derivedFrom, doc: VPC_DOC });
      derivation.add(principal, { action: "ec2:DeleteNetworkInterface", resources: { "network-interface": eni }, purpose: "delete the function's network interfaces (checked when the function is created)", derivedFrom, doc: VPC_DOC, checkedWhenCreating: address });
      for (const action of ["ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]) {
        derivation.add(principal, { action, resources: { "network-interface": eni }, purpose: "manage the function's network interfaces", derivedFrom, doc: VPC_DOC });
      }
    }

    // Wiring: environment, deploy-time invocations, run-time payloads.
    const given: unknown[] = [];
    const invokedAtCreation = new Map<string, Address>();
    const environment = blocks(config.environment)[0]?.variables;
    if (environment !== undefined) {
      given.push(derivation.attempt(principal.name, () => derivation.values.resolveDeep(address.stack, environment)));
    }
    for (const { address: invocation, config: invocationConfig } of derivation.find("aws_lambda_invocation", (_c, a) => a.stack === address.stack)) {
      const target = derivation.values.addressOf(invocation.stack, invocationConfig.function_name, ["aws_lambda_function"]);
      if (target?.name !== address.name) {
        continue;
      }
      const read = readJsonArgument(invocationConfig.input);
      if ("document" in read) {
        const input = derivation.attempt(principal.name, () => derivation.values.resolveDeep(invocation.stack, read.document));
        given.push(input);
        stringsIn(input)
          .filter((value) => value.startsWith("arn:"))
          .forEach((arn) => invokedAtCreation.set(arn, invocation));
      }
    }
    given.push(...(derivation.inputs.get(functionArn) ?? []));
    const strings = stringsIn(given);
    const s3 = new Map<string, S3Location>();
    for (const value of strings) {
      const location = parseS3Uri(value);
      if (location !== undefined) {
        s3.set(`${location.bucket}/${location.prefix}`, location);
      }
    }
    addCodeCalls(derivation, principal, { kind: "lambda", functionName }, {
      arns: strings.filter((value) => value.startsWith("arn:")),
      s3: [...s3.values()],
      domains: domainsIn(derivation, strings),
      invokedAtCreation,
      complete: true,
    });
  }
}
