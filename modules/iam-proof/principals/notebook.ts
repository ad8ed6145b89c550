/**
 * SageMaker notebook instances: the notebook role runs the lifecycle scripts (their `aws`
 * commands, e.g. copying the bundle from S3), writes the lifecycle and Jupyter logs, and makes
 * the calls of the helper the kernels run (./code.ts), wired by the kernel environment the
 * lifecycle script writes (the catalog endpoint). The volume key is used through SageMaker on
 * the account's behalf (grants for the ML storage volume).
 */
import { addCodeCalls, domainsIn } from "./code";
import { Derivation, parseS3Uri, S3Location, where } from "./context";

const LIFECYCLE_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-lifecycle-config.html";
const VOLUME_KEY_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html";

/** The calls of every notebook instance's role. */
export function deriveNotebooks(derivation: Derivation): void {
  for (const { address, config } of derivation.find("aws_sagemaker_notebook_instance")) {
    const label = where(address);
    const region = derivation.attempt(label, () => derivation.values.regionOf(address.stack));
    const name = derivation.attempt(label, () => derivation.values.attribute(address, "name"));
    const role = derivation.role(address.stack, config.role_arn, label);
    if (region === undefined || name === undefined || role === undefined) {
      continue;
    }
    const principal = derivation.principal({ name: `${role.caller.name} (role of notebook instance ${name})`, caller: role.caller, region, derivedFrom: label });
    derivation.assumedBy(role.caller, "sagemaker.amazonaws.com", region, label);

    const scripts: { text: string; where: string }[] = [];
    const lifecycle = config.lifecycle_config_name === undefined ? undefined : derivation.values.addressOf(address.stack, config.lifecycle_config_name, ["aws_sagemaker_notebook_instance_lifecycle_configuration"]);
    const lifecycleConfig = lifecycle === undefined ? undefined : derivation.values.resource(lifecycle);
    if (lifecycle !== undefined && lifecycleConfig !== undefined) {
      for (const hook of ["on_create", "on_start"]) {
        const text = derivation.attempt(principal.name, () => derivation.script(lifecycle.stack, lifecycleConfig[hook]));
        if (text !== undefined && text !== "") {
          scripts.push({ text, where: `${where(lifecycle)} ${hook}` });
          for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"]) {
            derivation.add(principal, {
              action,
              resources: { "log-stream": { LogGroupName: "/aws/sagemaker/NotebookInstances", LogStreamName: `${name}/LifecycleConfig${hook === "on_start" ? "OnStart" : "OnCreate"}` } },
              purpose: `lifecycle script output (${hook})`,
              derivedFrom: `${where(lifecycle)} ${hook}`,
              doc: LIFECYCLE_DOC,
            });
          }
        }
      }
    }
    const strings = scripts.flatMap((script) => [...script.text.matchAll(/[^\s'"]+/g)].map((match) => match[0]));
    const s3: S3Location[] = strings.map((value) => parseS3Uri(value)).filter((location): location is S3Location => location !== undefined);
    addCodeCalls(derivation, principal, { kind: "notebook", name }, { arns: strings.filter((value) => value.startsWith("arn:")), s3, domains: domainsIn(derivation, strings) }, scripts);

    const key = derivation.attempt(label, () => derivation.world.keyOf(address.stack, config.kms_key_id));
    if (key !== undefined) {
      const volume = derivation.principal({ name: `account ${derivation.account} through SageMaker (volume of notebook instance ${name})`, caller: { kind: "account", account: derivation.account }, region, derivedFrom: label });
      for (const action of ["kms:CreateGrant", "kms:DescribeKey"]) {
        derivation.add(volume, {
          action,
          resources: { key: key.arn },
          context: { "kms:ViaService": `sagemaker.${region}.amazonaws.com`, "kms:GrantIsForAWSResource": "true" },
          purpose: `encrypt the ML storage volume of ${name}`,
          derivedFrom: `${label} kms_key_id`,
          doc: VOLUME_KEY_DOC,
        });
      }
    }
  }
}
