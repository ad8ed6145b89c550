import { isTrue, referencedResource, show } from "../config";
import { compliant, GuardrailRule, nonCompliant, notApplicable } from "../types";

/** ELB security policies that negotiate TLS 1.2 or later only. */
const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

/** Network: listeners of internet-facing load balancers are HTTPS (or TLS) with a TLS 1.2+ policy. */
export const lbHttpsOnly: GuardrailRule = {
  id: "LB-HTTPS-ONLY",
  description: "Every listener of an internet-facing load balancer is HTTPS or TLS with a TLS 1.2+ security policy.",
  resourceTypes: ["aws_lb_listener", "aws_alb_listener"],
  fix: 'Use protocol "HTTPS" with certificate_arn and ssl_policy "ELBSecurityPolicy-TLS13-1-2-2021-06"; remove plain HTTP listeners from public load balancers.',
  check(listener, { stack }) {
    const lb = referencedResource(stack, listener.config.load_balancer_arn, ["aws_lb", "aws_alb"]);
    if (lb !== undefined && isTrue(lb.config.internal)) {
      return notApplicable(`${lb.address} is internal`);
    }
    const protocol = listener.config.protocol;
    if (protocol !== "HTTPS" && protocol !== "TLS") {
      return nonCompliant(`listens with protocol ${show(protocol)} on ${lb === undefined ? "a load balancer outside this stack" : `internet-facing ${lb.address}`}`);
    }
    const policy = listener.config.ssl_policy;
    if (typeof policy !== "string" || !TLS12_POLICY.test(policy)) {
      return nonCompliant(`ssl_policy is ${show(policy)}, which allows TLS versions before 1.2`);
    }
    return compliant();
  },
};
