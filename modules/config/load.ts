import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../errors";

/** Raw (unvalidated) config and a description of where it came from. */
export interface ConfigSource {
  readonly raw: unknown;
  /** e.g. `PROXIMATE_CONFIG=topologies/four.json` or `cdktf.json context.proximate`. */
  readonly description: string;
}

/** The environment variable that names a topology file replacing the default. */
export const CONFIG_ENV = "PROXIMATE_CONFIG";

function readJson(file: string, field: string, description: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(description, [
      {
        path: field,
        value: file,
        message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        allowed: "the path of a readable JSON file",
        rule: "config-file",
      },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(description, [
      {
        path: field,
        value: file,
        message: `is not valid JSON (${(error as Error).message})`,
        allowed: "a JSON document holding the topology object",
        rule: "config-file",
      },
    ]);
  }
}

/**
 * Finds the topology config: the file named by `PROXIMATE_CONFIG` when set, otherwise
 * `context.proximate` of cdktf.json (taken from the context the cdktf CLI passes, or read
 * from `<projectDir>/cdktf.json` when the app runs without the CLI).
 */
export function loadConfigSource(env: NodeJS.ProcessEnv, projectDir: string): ConfigSource {
  const file = env[CONFIG_ENV];
  if (file !== undefined && file !== "") {
    const description = `${CONFIG_ENV}=${file}`;
    return { raw: readJson(resolve(projectDir, file), CONFIG_ENV, description), description };
  }
  const contextJson = env.CDKTF_CONTEXT_JSON;
  if (contextJson !== undefined && contextJson !== "") {
    const context = JSON.parse(contextJson) as Record<string, unknown>;
    if (context.proximate !== undefined) {
      return { raw: context.proximate, description: "cdktf.json context.proximate" };
    }
  }
  const cdktfJson = readJson(resolve(projectDir, "cdktf.json"), "cdktf.json", "cdktf.json") as {
    context?: { proximate?: unknown };
  };
  if (cdktfJson.context?.proximate === undefined) {
    throw new InputError("cdktf.json", [
      {
        path: "context.proximate",
        value: undefined,
        message: "holds no topology",
        allowed: `a topology object, or ${CONFIG_ENV} naming a topology file`,
        rule: "config-file",
      },
    ]);
  }
  return { raw: cdktfJson.context.proximate, description: "cdktf.json context.proximate" };
}
