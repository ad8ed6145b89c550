/**
 * Reads what `cdktf deploy` / `cdktf destroy` print: cdktf prefixes the first line of every chunk
 * of a stack's Terraform output with the stack's name (continuation lines are indented), so each
 * line belongs to the last stack named. From that: per stack, what was applied or destroyed, and
 * every Terraform error with the resource it names.
 */

/** One stack's outcome in a cdktf run. */
export interface StackRun {
  readonly added: number;
  readonly changed: number;
  readonly destroyed: number;
  /** Terraform said "No changes." */
  readonly noChanges: boolean;
  /** An "Apply complete!" or "Destroy complete!" line was seen. */
  readonly completed: boolean;
  /** Seconds since the run started: the stack's first plan/apply line and its completion line. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
}

/** A Terraform error, with the stack and (when Terraform names one) the resource. */
export interface RunError {
  readonly stack?: string;
  /** `aws_x.name` from Terraform's "with <address>" line. */
  readonly resource?: string;
  readonly message: string;
}

export interface CdktfRun {
  readonly stacks: Readonly<Record<string, StackRun>>;
  readonly errors: readonly RunError[];
  /**
   * Lines the cdktf CLI logged as `[ERROR]` (a failed checkpoint call, a missing Terraform CLI
   * config relogged from Terraform's stderr): the documented commands must print none.
   */
  readonly cliErrors: readonly string[];
}

/** One output line and when it arrived (seconds since the run started). */
export interface TimedLine {
  readonly at: number;
  readonly text: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The stack a prefixed line names, or undefined for a continuation line. */
function prefixOf(line: string, stacks: readonly string[]): string | undefined {
  for (const stack of stacks) {
    if (line.startsWith(stack) && (line.length === stack.length || line[stack.length] === " ")) {
      return stack;
    }
  }
  return undefined;
}

const STARTS = /(Terraform used the selected providers|Refreshing state\.\.\.|: Creating\.\.\.|: Destroying\.\.\.|: Modifying\.\.\.|: Reading\.\.\.|No changes\.)/;

/** Parses a whole run. `stacks` are the manifest's stack names (longest first is not needed: names end at a space). */
export function parseCdktfRun(lines: readonly (TimedLine | string)[], stacks: readonly string[]): CdktfRun {
  const byLength = [...stacks].sort((a, b) => b.length - a.length);
  const runs = new Map<string, { added: number; changed: number; destroyed: number; noChanges: boolean; completed: boolean; startedAt?: number; finishedAt?: number }>();
  const errors: RunError[] = [];
  const cliErrors: string[] = [];
  let current: string | undefined;
  let pendingError: { stack?: string; message: string; resource?: string } | undefined;
  const flush = () => {
    if (pendingError !== undefined) {
      errors.push(pendingError);
      pendingError = undefined;
    }
  };
  const run = (stack: string) => {
    let found = runs.get(stack);
    if (found === undefined) {
      found = { added: 0, changed: 0, destroyed: 0, noChanges: false, completed: false };
      runs.set(stack, found);
    }
    return found;
  };
  for (const entry of lines) {
    const at = typeof entry === "string" ? undefined : entry.at;
    const raw = stripAnsi(typeof entry === "string" ? entry : entry.text);
    const named = prefixOf(raw, byLength);
    if (named !== undefined) {
      current = named;
    } else if (!raw.startsWith(" ")) {
      current = undefined;
    }
    const text = (named !== undefined ? raw.slice(named.length) : raw).replace(/^[\s│╷╵]+/, "").trimEnd();
    if (/\[ERROR\]|checkpoint-api\.hashicorp\.com|Could not send telemetry/i.test(raw)) {
      cliErrors.push(raw.trim());
    }
    const error = /^Error: (.*)$/.exec(text);
    if (error !== null) {
      flush();
      pendingError = { stack: current, message: error[1] };
      continue;
    }
    if (pendingError !== undefined) {
      const target = /^with ([A-Za-z0-9_.\-[\]"]+)[,: ]/.exec(text);
      if (target !== null && pendingError.resource === undefined) {
        pendingError.resource = target[1];
      } else if (text === "" || raw.includes("╵")) {
        if (raw.includes("╵")) {
          flush();
        }
      } else if (pendingError.resource === undefined && !text.startsWith("on ") && !/^\d+:/.test(text)) {
        pendingError.message = `${pendingError.message} ${text}`.trim();
      }
    }
    if (current === undefined) {
      continue;
    }
    const stack = run(current);
    if (STARTS.test(text) && stack.startedAt === undefined && at !== undefined) {
      stack.startedAt = at;
    }
    const applied = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(text);
    if (applied !== null) {
      stack.added = Number(applied[1]);
      stack.changed = Number(applied[2]);
      stack.destroyed = Number(applied[3]);
      stack.completed = true;
      stack.finishedAt = at;
    }
    const destroyed = /Destroy complete! Resources: (\d+) destroyed/.exec(text);
    if (destroyed !== null) {
      stack.destroyed = Number(destroyed[1]);
      stack.completed = true;
      stack.finishedAt = at;
    }
    if (/^No changes\./.test(text)) {
      stack.noChanges = true;
    }
  }
  flush();
  return { stacks: Object.fromEntries(runs), errors, cliErrors };
}

/** "stack X, resource Y: message" for a failure report. */
export function describeError(error: RunError): string {
  const where = [error.stack ? `stack ${error.stack}` : "cdktf", error.resource ? `resource ${error.resource}` : undefined].filter(Boolean).join(", ");
  return `${where}: ${error.message}`;
}
