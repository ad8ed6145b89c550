import { validateSdkParameters, sdkOperation } from "../../aws/sdk-integrations";
import { readJsonArgument } from "../hcl";
import { compliant, GuardrailRule, nonCompliant, notApplicable } from "../types";

type Json = Record<string, unknown>;

/** Every Task state of a definition, with its path, through Parallel branches and Map processors. */
function tasks(definition: unknown, path = "States"): { path: string; state: Json }[] {
  const out: { path: string; state: Json }[] = [];
  const states = definition !== null && typeof definition === "object" ? (definition as Json).States : undefined;
  if (states === null || typeof states !== "object") {
    return out;
  }
  for (const [name, raw] of Object.entries(states as Json)) {
    if (raw === null || typeof raw !== "object") continue;
    const state = raw as Json;
    const here = `${path}.${name}`;
    if (state.Type === "Task") out.push({ path: here, state });
    if (Array.isArray(state.Branches)) state.Branches.forEach((branch, i) => out.push(...tasks(branch, `${here}.Branches[${i}].States`)));
    for (const key of ["ItemProcessor", "Iterator"]) {
      if (state[key] !== undefined) out.push(...tasks(state[key], `${here}.${key}.States`));
    }
  }
  return out;
}

/**
 * Step Functions SDK integrations: the `Parameters` of every `arn:aws:states:::aws-sdk:<service>:<action>`
 * task are a valid request of the operation in the service's API model (required members, types,
 * enums, lengths, patterns; `.$` members are dynamic and skipped), plus documented semantics the
 * model cannot express (modules/aws/sdk-integrations.ts).
 * Doc: https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export const sfnSdkParameters: GuardrailRule = {
  id: "SFN-SDK-PARAMETERS",
  description: "Every AWS SDK integration task of a state machine passes Parameters its API operation accepts (botocore model + documented semantics).",
  resourceTypes: ["aws_sfn_state_machine"],
  fix: "Correct the task's Parameters to the operation's request (PascalCase members as in the API reference); for FSx import tasks, Paths are s3:// URIs of the data repository associations.",
  check(machine) {
    const read = readJsonArgument(machine.config.definition);
    if ("error" in read) {
      return nonCompliant(`definition ${read.error}`);
    }
    const problems: string[] = [];
    let sdkTasks = 0;
    for (const { path, state } of tasks(read.document)) {
      if (typeof state.Resource !== "string" || sdkOperation(state.Resource) === undefined) continue;
      sdkTasks++;
      for (const problem of validateSdkParameters(state.Resource, state.Parameters ?? state.Arguments)) {
        problems.push(`${path} (${state.Resource}) ${problem}`);
      }
    }
    if (problems.length > 0) return nonCompliant(problems.join("; "));
    return sdkTasks === 0 ? notApplicable("no AWS SDK integration task") : compliant(`${sdkTasks} SDK task(s) valid`);
  },
};
