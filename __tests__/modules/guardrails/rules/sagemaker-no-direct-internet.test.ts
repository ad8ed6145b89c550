import { sagemakerNoDirectInternet } from "../../../../modules/guardrails/rules/sagemaker-no-direct-internet";
import { check, notebook } from "../fixtures";

describe("SAGEMAKER-NO-DIRECT-INTERNET", () => {
  test("compliant when direct internet access is Disabled in a subnet", () => {
    expect(check(sagemakerNoDirectInternet, [notebook()]).status).toBe("compliant");
  });

  test("non-compliant when Enabled or left to the provider default", () => {
    expect(check(sagemakerNoDirectInternet, [notebook({ direct_internet_access: undefined })])).toEqual({
      status: "non-compliant",
      problem: 'direct_internet_access is unset (the provider\'s default is "Enabled")',
    });
    expect(check(sagemakerNoDirectInternet, [notebook({ direct_internet_access: "Enabled" })]).status).toBe("non-compliant");
  });

  test("non-compliant when Disabled without a subnet", () => {
    expect(check(sagemakerNoDirectInternet, [notebook({ subnet_id: undefined })]).status).toBe("non-compliant");
  });
});
