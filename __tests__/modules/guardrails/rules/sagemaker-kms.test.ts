import { sagemakerKms } from "../../../../modules/guardrails/rules/sagemaker-kms";
import { check, notebook } from "../fixtures";

describe("SAGEMAKER-KMS", () => {
  test("compliant with a KMS key", () => {
    expect(check(sagemakerKms, [notebook()]).status).toBe("compliant");
  });

  test("non-compliant without one", () => {
    expect(check(sagemakerKms, [notebook({ kms_key_id: undefined })])).toEqual({ status: "non-compliant", problem: "kms_key_id is unset" });
    expect(check(sagemakerKms, [notebook({ kms_key_id: " " })]).status).toBe("non-compliant");
  });
});
