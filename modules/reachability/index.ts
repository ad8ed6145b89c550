export * from "./synth-output";
export * from "./references";
export * from "./model";
export * from "./flows";
export * from "./analyze";
export * from "./exposure";
export * from "./verify";
export * from "./render";
