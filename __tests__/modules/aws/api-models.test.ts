import { readFileSync } from "node:fs";
import { join } from "node:path";
import { API_NAME_CONSTRAINTS } from "../../../modules/aws/api-models.generated";
import { compilePattern, DOCUMENTED_NAME_RULES, memberKey, NAME_TARGETS } from "../../../modules/aws/names";
import { SDK_INTEGRATION_OPERATIONS } from "../../../modules/aws/sdk-integrations";
import { buildTables, renderTables, vendorDir } from "../../../scripts/aws/models";

const projectDir = join(__dirname, "..", "..", "..");
const vendor = vendorDir(projectDir);

describe("the AWS API model tables", () => {
  (vendor === undefined ? test.skip : test)("match the vendored botocore models (run npm run generate:aws-models after changing a target)", () => {
    const checkedIn = readFileSync(join(projectDir, "modules/aws/api-models.generated.ts"), "utf8");
    expect(checkedIn).toBe(renderTables(buildTables(vendor as string)));
  });

  test("cover every name target and SDK operation", () => {
    for (const target of NAME_TARGETS.filter((t) => !t.documentedOnly)) {
      expect(API_NAME_CONSTRAINTS[memberKey(target)]).toBeDefined();
    }
    for (const target of NAME_TARGETS.filter((t) => t.documentedOnly)) {
      expect(DOCUMENTED_NAME_RULES[memberKey(target)]).toBeDefined();
    }
    expect(SDK_INTEGRATION_OPERATIONS.length).toBeGreaterThan(0);
  });

  test("every pattern applied compiles as a JavaScript regular expression", () => {
    const patterns = [...Object.values(API_NAME_CONSTRAINTS).map((c) => c.pattern), ...Object.values(DOCUMENTED_NAME_RULES).map((r) => r.pattern)].filter(
      (p): p is string => p !== undefined,
    );
    for (const pattern of patterns) {
      expect([pattern, compilePattern(pattern)]).not.toEqual([pattern, null]);
    }
  });

  test("documented rules cite an AWS documentation page", () => {
    for (const rule of Object.values(DOCUMENTED_NAME_RULES)) {
      expect(rule.doc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });
});

describe("the runtimes the product deploys", () => {
  test("agree with the support table the END-OF-SUPPORT guardrail judges by", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { INDEXER_LAMBDA_RUNTIME, NOTEBOOK_PLATFORM } = require("../../../modules/aws/runtimes");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LAMBDA_RUNTIMES, NOTEBOOK_PLATFORMS } = require("../../../modules/aws/support-dates");
    expect(LAMBDA_RUNTIMES.find((r: { id: string }) => r.id === INDEXER_LAMBDA_RUNTIME.identifier)?.ends).toBe(INDEXER_LAMBDA_RUNTIME.supportEnds);
    expect(NOTEBOOK_PLATFORMS.find((r: { id: string }) => r.id === NOTEBOOK_PLATFORM.identifier)?.ends).toBe(NOTEBOOK_PLATFORM.supportEnds);
  });
});
