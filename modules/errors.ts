/**
 * The one place where Proximate's user-facing errors are shaped: every problem names the
 * field (as a path such as `workers[1].cidr`), shows the value received and says what is
 * allowed.
 */

/** One problem with one field of user input. */
export interface Problem {
  /** Field path, e.g. `workers[1].datasets[0].s3`; empty for the document itself. */
  readonly path: string;
  /** The value found at `path` (undefined when the field is missing). */
  readonly value: unknown;
  /** What is wrong, as a sentence fragment: "overlaps client.cidr 10.0.0.0/16". */
  readonly message: string;
  /** What is allowed: "a prefix between /16 and /24". */
  readonly allowed: string;
  /** Stable id of the rule that found it, e.g. `cidr-overlap`. */
  readonly rule: string;
}

/** Renders a value for an error message: strings quoted, objects as compact JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) {
    return "nothing (missing)";
  }
  const text = JSON.stringify(value);
  if (text === undefined) {
    return String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** `workers[1].cidr: got "10.1.0.0/12": overlaps client.cidr "10.0.0.0/16"; allowed: ...` */
export function formatProblem(problem: Problem): string {
  const where = problem.path === "" ? "(config)" : problem.path;
  return `${where}: got ${showValue(problem.value)}: ${problem.message}; allowed: ${problem.allowed} [${problem.rule}]`;
}

/** Thrown when user input has one or more problems; the message lists all of them. */
export class InputError extends Error {
  public readonly problems: readonly Problem[];

  constructor(subject: string, problems: readonly Problem[]) {
    const lines = problems.map((p) => `  - ${formatProblem(p)}`);
    super(`${subject}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${lines.join("\n")}`);
    this.name = "InputError";
    this.problems = problems;
  }
}

/** Formats a path of keys and indexes as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") {
      out += `[${part}]`;
    } else {
      out += out === "" ? String(part) : `.${String(part)}`;
    }
  }
  return out;
}
