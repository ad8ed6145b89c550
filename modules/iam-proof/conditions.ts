/**
 * Condition operators, as AWS evaluates them.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * A key missing from the request makes a condition false, except for the negated operators
 * (`StringNotEquals`, `ArnNotLike`, ...), `...IfExists` and `Null`.
 */
import { globMatches } from "./glob";

/** The request context: lower-case key -> values. */
export type RequestContext = ReadonlyMap<string, readonly string[]>;

/** Builds a request context from `key -> value(s)` (keys are case-insensitive). */
export function requestContext(entries: Readonly<Record<string, string | readonly string[]>>): Map<string, readonly string[]> {
  return new Map(Object.entries(entries).map(([key, value]) => [key.toLowerCase(), typeof value === "string" ? [value] : value]));
}

type Compare = (policyValue: string, requestValue: string) => boolean;

const BASE: Readonly<Record<string, { readonly compare: Compare; readonly negated: boolean }>> = {
  StringEquals: { compare: (p, r) => p === r, negated: false },
  StringNotEquals: { compare: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { compare: (p, r) => globMatches(p, r), negated: false },
  StringNotLike: { compare: (p, r) => globMatches(p, r), negated: true },
  ArnEquals: { compare: (p, r) => globMatches(p, r), negated: false },
  ArnLike: { compare: (p, r) => globMatches(p, r), negated: false },
  ArnNotEquals: { compare: (p, r) => globMatches(p, r), negated: true },
  ArnNotLike: { compare: (p, r) => globMatches(p, r), negated: true },
  Bool: { compare: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  NumericEquals: { compare: (p, r) => Number(p) === Number(r), negated: false },
  NumericNotEquals: { compare: (p, r) => Number(p) === Number(r), negated: true },
  NumericLessThan: { compare: (p, r) => Number(r) < Number(p), negated: false },
  NumericLessThanEquals: { compare: (p, r) => Number(r) <= Number(p), negated: false },
  NumericGreaterThan: { compare: (p, r) => Number(r) > Number(p), negated: false },
  NumericGreaterThanEquals: { compare: (p, r) => Number(r) >= Number(p), negated: false },
};

/** A parsed operator name: `ForAnyValue:StringLike`, `ArnEqualsIfExists`, `Null`. */
export interface Operator {
  readonly set?: "ForAnyValue" | "ForAllValues";
  readonly base: string;
  readonly ifExists: boolean;
}

/** Parses an operator name; undefined when AWS has no such operator (or the proof does not evaluate it). */
export function parseOperator(name: string): Operator | undefined {
  const match = /^(?:(ForAnyValue|ForAllValues):)?([A-Za-z]+?)(IfExists)?$/.exec(name);
  if (match === null) {
    return undefined;
  }
  const base = match[2];
  if (base === "Null") {
    return match[1] === undefined && match[3] === undefined ? { base, ifExists: false } : undefined;
  }
  if (BASE[base] === undefined) {
    return undefined;
  }
  return { set: match[1] as Operator["set"], base, ifExists: match[3] !== undefined };
}

/** Replaces IAM policy variables (`${aws:username}`) with request values; unknown ones stay. */
export function substituteVariables(value: string, context: RequestContext): string {
  return value.replace(/\$\{([A-Za-z0-9-]+:[A-Za-z0-9/_-]+)\}/g, (whole, key: string) => context.get(key.toLowerCase())?.[0] ?? whole);
}

/** Evaluates one operator over one key. Throws for an operator {@link parseOperator} rejects. */
export function evaluateCondition(operatorName: string, key: string, policyValues: readonly string[], context: RequestContext): boolean {
  const operator = parseOperator(operatorName);
  if (operator === undefined) {
    throw new Error(`condition operator ${operatorName} is not one the proof evaluates`);
  }
  const requestValues = context.get(key.toLowerCase());
  if (operator.base === "Null") {
    const absent = requestValues === undefined || requestValues.length === 0;
    return policyValues.some((value) => (value.toLowerCase() === "true" ? absent : !absent));
  }
  const { compare, negated } = BASE[operator.base];
  const values = policyValues.map((value) => substituteVariables(value, context));
  if (requestValues === undefined || requestValues.length === 0) {
    if (operator.set === "ForAllValues") {
      return true;
    }
    return operator.ifExists || negated;
  }
  const matchesAny = (request: string) => values.some((value) => compare(value, request));
  if (operator.set === "ForAllValues") {
    return requestValues.every((request) => (negated ? !matchesAny(request) : matchesAny(request)));
  }
  if (operator.set === "ForAnyValue") {
    return requestValues.some((request) => (negated ? !matchesAny(request) : matchesAny(request)));
  }
  return negated ? !requestValues.some(matchesAny) : requestValues.some(matchesAny);
}

/** Every operator and key of a Condition block must hold. */
export function conditionsHold(condition: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> | undefined, context: RequestContext): boolean {
  if (condition === undefined) {
    return true;
  }
  return Object.entries(condition).every(([operator, keys]) => Object.entries(keys).every(([key, values]) => evaluateCondition(operator, key, values, context)));
}
