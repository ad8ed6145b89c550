import { lbHttpsOnly } from "../../../../modules/guardrails/rules/lb-https-only";
import { check, resource } from "../fixtures";

const lb = (internal: boolean) => resource("aws_lb", "lb", { internal });
const listener = (protocol: string, sslPolicy?: string) =>
  resource("aws_lb_listener", "listener", { load_balancer_arn: "${aws_lb.lb.arn}", port: protocol === "HTTPS" ? 443 : 80, protocol, ...(sslPolicy ? { ssl_policy: sslPolicy } : {}) });

describe("LB-HTTPS-ONLY", () => {
  test("compliant for an HTTPS listener with a TLS 1.2+ policy on a public load balancer", () => {
    expect(check(lbHttpsOnly, [listener("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06"), lb(false)]).status).toBe("compliant");
  });

  test("non-compliant for HTTP, or HTTPS with the provider's default policy, on a public load balancer", () => {
    expect(check(lbHttpsOnly, [listener("HTTP"), lb(false)])).toEqual({ status: "non-compliant", problem: 'listens with protocol "HTTP" on internet-facing aws_lb.lb' });
    expect(check(lbHttpsOnly, [listener("HTTPS"), lb(false)])).toEqual({ status: "non-compliant", problem: "ssl_policy is unset, which allows TLS versions before 1.2" });
  });

  test("not applicable to listeners of internal load balancers", () => {
    expect(check(lbHttpsOnly, [listener("HTTP"), lb(true)])).toEqual({ status: "not-applicable", note: "aws_lb.lb is internal" });
  });
});
