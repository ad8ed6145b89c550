import { sagemakerNoRootAccess } from "../../../../modules/guardrails/rules/sagemaker-no-root-access";
import { check, notebook } from "../fixtures";

describe("SAGEMAKER-NO-ROOT-ACCESS", () => {
  test("compliant when root access is Disabled", () => {
    expect(check(sagemakerNoRootAccess, [notebook()]).status).toBe("compliant");
  });

  test("non-compliant when Enabled or unset", () => {
    expect(check(sagemakerNoRootAccess, [notebook({ root_access: "Enabled" })])).toEqual({
      status: "non-compliant",
      problem: 'root_access is "Enabled" (the provider\'s default is "Enabled")',
    });
    expect(check(sagemakerNoRootAccess, [notebook({ root_access: undefined })]).status).toBe("non-compliant");
  });
});
