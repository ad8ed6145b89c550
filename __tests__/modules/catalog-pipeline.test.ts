import { refreshDefinition } from "../../modules/catalog-pipeline";

const base = { fileSystemId: "fs-0123456789abcdef0", indexer: { kind: "lambda" as const, functionArn: "arn:aws:lambda:us-east-1:123456789012:function:x", event: {} } };

function startImport(definition: Record<string, unknown>): Record<string, unknown> {
  return (definition.States as Record<string, Record<string, unknown>>).StartImport.Parameters as Record<string, unknown>;
}

describe("nightly refresh definition", () => {
  test("the import task takes the associations' S3 data repository paths", () => {
    const definition = refreshDefinition({ ...base, repositoryPaths: ["s3://era5-pds", "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC"] });
    expect(startImport(definition)).toMatchObject({
      Type: "IMPORT_METADATA_FROM_REPOSITORY",
      Paths: ["s3://era5-pds", "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC"],
      Report: { Enabled: false },
    });
  });

  test("fails when given a file system path, which import tasks reject", () => {
    expect(() => refreshDefinition({ ...base, repositoryPaths: ["/era5"] })).toThrow(/repositoryPaths: got "\/era5": is not an S3 path; allowed: s3:\/\/bucket-name\[\/prefix\]/);
  });

  test.each([0, 101])("fails with %i paths (CreateDataRepositoryTask takes 1 to 100)", (count) => {
    const paths = Array.from({ length: count }, (_, i) => `s3://bucket-${i}`);
    expect(() => refreshDefinition({ ...base, repositoryPaths: paths })).toThrow(/allowed: 1 to 100/);
  });
});
