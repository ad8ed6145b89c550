import { sgNoOpenIngress } from "../../../../modules/guardrails/rules/sg-no-open-ingress";
import { check, resource } from "../fixtures";

const group = (role: string) => resource("aws_security_group", "sg", { tags: { "proximate:flow-role": role } });
const rule = (cidr: string, port = 443) =>
  resource("aws_vpc_security_group_ingress_rule", "rule", { security_group_id: "${aws_security_group.sg.id}", ip_protocol: "tcp", from_port: port, to_port: port, cidr_ipv4: cidr });

describe("SG-NO-OPEN-INGRESS", () => {
  test("compliant when ingress admits a private CIDR", () => {
    expect(check(sgNoOpenIngress, [rule("10.0.0.0/16"), group("scheduler")]).status).toBe("compliant");
  });

  test("non-compliant for 0.0.0.0/0 and ::/0, in rules and inline blocks", () => {
    expect(check(sgNoOpenIngress, [rule("0.0.0.0/0", 22), group("scheduler")])).toEqual({ status: "non-compliant", problem: "rule admits 0.0.0.0/0 on tcp 22" });
    const inline = resource("aws_security_group", "inline", { ingress: [{ protocol: "tcp", from_port: 80, to_port: 80, cidr_blocks: [], ipv6_cidr_blocks: ["::/0"] }] });
    expect(check(sgNoOpenIngress, [inline])).toEqual({ status: "non-compliant", problem: "ingress block 1 admits ::/0 on tcp 80" });
  });

  test("the public dashboard may admit 0.0.0.0/0 on 443 only, and only when configured public", () => {
    expect(check(sgNoOpenIngress, [rule("0.0.0.0/0"), group("dashboard-lb")], { allowPublicDashboard: true }).status).toBe("compliant");
    expect(check(sgNoOpenIngress, [rule("0.0.0.0/0", 80), group("dashboard-lb")], { allowPublicDashboard: true }).status).toBe("non-compliant");
    expect(check(sgNoOpenIngress, [rule("0.0.0.0/0"), group("dashboard-lb")])).toEqual({
      status: "non-compliant",
      problem: "rule admits 0.0.0.0/0 on tcp 443 (the dashboard is not configured public)",
    });
  });
});
