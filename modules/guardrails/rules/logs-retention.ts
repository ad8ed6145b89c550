import { show } from "../config";
import { isExpression } from "../refs";
import { compliant, GuardrailRule, nonCompliant } from "../types";

/** Logs: every log group expires its events. */
export const logsRetention: GuardrailRule = {
  id: "LOGS-RETENTION",
  description: "Every CloudWatch log group sets retention_in_days (a positive number of days).",
  resourceTypes: ["aws_cloudwatch_log_group"],
  fix: "Set retention_in_days (the topology's logRetentionDays, 30 by default); unset or 0 keeps events forever.",
  check(group) {
    const days = group.config.retention_in_days;
    if (isExpression(days)) {
      return compliant(`retention_in_days from ${String(days)}`);
    }
    return Number(days) > 0 ? compliant(`${Number(days)} days`) : nonCompliant(`retention_in_days is ${show(days)}`);
  },
};
