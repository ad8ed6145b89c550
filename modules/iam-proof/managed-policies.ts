/**
 * AWS-managed policy documents (`arn:aws:iam::aws:policy/...`), read at run time from moto's
 * `moto/iam/aws_managed_policies.py` (Apache-2.0; a JSON object of every AWS-managed policy's
 * default version, which moto imports from AWS). Nothing of it is copied into this repository.
 * Where it is looked for, in order:
 * 1. `PROXIMATE_MANAGED_POLICIES`: the file itself;
 * 2. an importable moto (`import moto` with `/usr/bin/python3`, else `python3`);
 * 3. `$PROXIMATE_VENDOR_DIR/python/moto/iam/aws_managed_policies.py`, then `<project>/../shared/vendor/...`,
 *    then `/work/shared/vendor/...` (the vendored copy, see the project's shared vendor README).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One AWS-managed policy. */
export interface ManagedPolicy {
  readonly name: string;
  /** `arn:aws:iam::aws:policy/<path><name>` */
  readonly arn: string;
  readonly versionId: string;
  readonly document: unknown;
}

/** The AWS-managed policies known to this machine, and where they were read from. */
export interface ManagedPolicies {
  readonly file: string;
  /** Policies by ARN. */
  readonly byArn: ReadonlyMap<string, ManagedPolicy>;
}

/** Thrown when no copy of the managed policies can be found; the message lists where it looked. */
export class ManagedPoliciesNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ManagedPoliciesNotFound";
  }
}

const RELATIVE = join("moto", "iam", "aws_managed_policies.py");

function* importableMoto(): Generator<string> {
  // Debian's interpreter sees the system's packages; another python3 only where there is none.
  for (const python of existsSync("/usr/bin/python3") ? ["/usr/bin/python3"] : ["python3"]) {
    const result = spawnSync(python, ["-c", "import os, moto; print(os.path.dirname(moto.__file__))"], { encoding: "utf8", timeout: 20_000 });
    if (result.status === 0 && result.stdout.trim() !== "") {
      yield join(result.stdout.trim(), "iam", "aws_managed_policies.py");
    }
  }
}

/** Candidate files, in the order they are tried (an importable moto is asked for lazily). */
export function* managedPolicyCandidates(projectDir: string, env: NodeJS.ProcessEnv = process.env): Generator<string> {
  if (env.PROXIMATE_MANAGED_POLICIES) {
    yield env.PROXIMATE_MANAGED_POLICIES;
  }
  yield* importableMoto();
  if (env.PROXIMATE_VENDOR_DIR) {
    yield join(env.PROXIMATE_VENDOR_DIR, "python", RELATIVE);
  }
  yield join(projectDir, "..", "shared", "vendor", "python", RELATIVE);
  yield join("/work", "shared", "vendor", "python", RELATIVE);
}

/** Parses moto's module: `aws_managed_policies_data = """{...}"""`. */
export function parseManagedPolicies(text: string, file: string): ManagedPolicies {
  const start = text.indexOf('"""');
  const end = text.lastIndexOf('"""');
  if (start < 0 || end <= start) {
    throw new ManagedPoliciesNotFound(`${file} does not hold moto's aws_managed_policies_data = """{...}"""`);
  }
  const data = JSON.parse(text.slice(start + 3, end)) as Record<string, { Path?: string; DefaultVersionId?: string; Document?: unknown }>;
  const byArn = new Map<string, ManagedPolicy>();
  for (const [name, entry] of Object.entries(data)) {
    const arn = `arn:aws:iam::aws:policy${entry.Path ?? "/"}${name}`;
    byArn.set(arn, { name, arn, versionId: entry.DefaultVersionId ?? "?", document: entry.Document });
  }
  return { file, byArn };
}

const loaded = new Map<string, ManagedPolicies>();

/** Reads the first candidate that exists; throws {@link ManagedPoliciesNotFound} when none does. */
export function loadManagedPolicies(projectDir: string, env: NodeJS.ProcessEnv = process.env): ManagedPolicies {
  const tried: string[] = [];
  for (const file of managedPolicyCandidates(projectDir, env)) {
    tried.push(file);
    if (!existsSync(file)) {
      continue;
    }
    let policies = loaded.get(file);
    if (policies === undefined) {
      policies = parseManagedPolicies(readFileSync(file, "utf8"), file);
      loaded.set(file, policies);
    }
    return policies;
  }
  throw new ManagedPoliciesNotFound(
    `AWS-managed policy documents not found; looked for ${tried.join(", ")}. ` +
      "Install moto (pip install moto), set PROXIMATE_VENDOR_DIR to the vendor directory, or PROXIMATE_MANAGED_POLICIES to moto's iam/aws_managed_policies.py",
  );
}
