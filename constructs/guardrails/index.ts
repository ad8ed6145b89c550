export * from "./guardrails";
export * from "./suppress";
export * from "./resolved-stack";
