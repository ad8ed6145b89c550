export * from "./types";
export * from "./registry";
export * from "./engine";
export * from "./report";
export * from "./suppressions";
export { readJsonArgument, parseHclExpression, HclSyntaxError } from "./hcl";
export { readPolicyArgument } from "./policy";
