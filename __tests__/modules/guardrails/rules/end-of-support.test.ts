import { endOfSupport } from "../../../../modules/guardrails/rules/end-of-support";
import { check, notebook, opensearchDomain, resource } from "../fixtures";

const lambda = (runtime: string) => resource("aws_lambda_function", "f", { runtime, function_name: "f" });

describe("END-OF-SUPPORT", () => {
  test("non-compliant on today's indexer runtime nodejs20.x (deprecated 2026-04-30) and notebook platform notebook-al2-v3 (AL2 ended 2026-06-30)", () => {
    expect(check(endOfSupport, [lambda("nodejs20.x")], { today: "2026-11-30" })).toMatchObject({
      status: "non-compliant",
      problem: expect.stringMatching(/nodejs20.x" reached end of support on 2026-04-30 \(214 days before 2026-11-30\); use nodejs22.x/),
    });
    expect(check(endOfSupport, [notebook({ platform_identifier: "notebook-al2-v3" })], { today: "2026-11-30" })).toMatchObject({
      status: "non-compliant",
      problem: expect.stringContaining("use notebook-al2023-v1"),
    });
  });

  test("warns within 120 days of the end, passes before", () => {
    expect(check(endOfSupport, [lambda("nodejs22.x")], { today: "2027-01-30" })).toMatchObject({ status: "warning", problem: expect.stringContaining("in 90 days") });
    expect(check(endOfSupport, [lambda("nodejs22.x")], { today: "2026-11-30" })).toEqual({ status: "compliant", note: "nodejs22.x supported until 2027-04-30" });
    expect(check(endOfSupport, [lambda("nodejs20.x")], { today: "2025-11-30" }).status).toBe("compliant");
    expect(check(endOfSupport, [notebook({ platform_identifier: "notebook-al2023-v1" })]).status).toBe("compliant");
  });

  test("an unknown runtime cannot be judged: non-compliant; an unset notebook platform is SageMaker's default (AL2023)", () => {
    expect(check(endOfSupport, [lambda("nodejs99.x")]).status).toBe("non-compliant");
    expect(check(endOfSupport, [notebook()])).toEqual({ status: "compliant", note: "notebook-al2023-v1 supported until 2029-06-30" });
  });

  test("AMI families from SSM parameters: the ECS-optimised AL2023 passes, AL2 fails", () => {
    const template = (parameter: string) => resource("aws_launch_template", "lt", { image_id: `resolve:ssm:${parameter}` });
    expect(check(endOfSupport, [template("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")]).status).toBe("compliant");
    expect(check(endOfSupport, [template("/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id")]).status).toBe("non-compliant");
  });

  test("OpenSearch 2.x has no announced end of standard support", () => {
    expect(check(endOfSupport, [opensearchDomain({ engine_version: "OpenSearch_2.17" })])).toMatchObject({ status: "compliant" });
  });
});
