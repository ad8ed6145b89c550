import { lbInternal } from "../../../../modules/guardrails/rules/lb-internal";
import { check, resource } from "../fixtures";

const dashboardGroup = resource("aws_security_group", "dash", { tags: { "proximate:flow-role": "dashboard-lb" } });
const lb = (internal: boolean | undefined) =>
  resource("aws_lb", "lb", { load_balancer_type: "application", security_groups: ["${aws_security_group.dash.id}"], ...(internal === undefined ? {} : { internal }) });

describe("LB-INTERNAL", () => {
  test("compliant when internal", () => {
    expect(check(lbInternal, [lb(true), dashboardGroup]).status).toBe("compliant");
  });

  test("non-compliant when internet-facing, including the provider default (internal unset)", () => {
    expect(check(lbInternal, [lb(false), dashboardGroup])).toEqual({ status: "non-compliant", problem: "is internet-facing (internal is false)" });
    expect(check(lbInternal, [lb(undefined), dashboardGroup])).toEqual({ status: "non-compliant", problem: "is internet-facing (internal is unset)" });
  });

  test("compliant for the dashboard's load balancer when dashboard.public is configured, not for others", () => {
    expect(check(lbInternal, [lb(false), dashboardGroup], { allowPublicDashboard: true }).status).toBe("compliant");
    const other = resource("aws_lb", "other", { internal: false, security_groups: [] });
    expect(check(lbInternal, [other], { allowPublicDashboard: true }).status).toBe("non-compliant");
  });
});
