import { refreshDefinition } from "../../../../modules/catalog-pipeline";
import { sfnSdkParameters } from "../../../../modules/guardrails/rules/sfn-sdk-parameters";
import { check, resource } from "../fixtures";

const machine = (definition: unknown) => resource("aws_sfn_state_machine", "refresh", { definition: JSON.stringify(definition) });
const importTask = (parameters: Record<string, unknown>) => ({
  StartAt: "StartImport",
  States: { StartImport: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:fsx:createDataRepositoryTask", Parameters: parameters, End: true } },
});

describe("SFN-SDK-PARAMETERS", () => {
  test("non-compliant on the definition before the fix: Paths of an import were file system paths, not S3 URIs", () => {
    // The definition as it was: refreshDefinition now refuses file system paths, so plant them.
    const today = refreshDefinition({ fileSystemId: "${aws_fsx_lustre_file_system.fs.id}", repositoryPaths: ["s3://era5-pds"], indexer: { kind: "lambda", functionArn: "arn:aws:lambda:x", event: {} } }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    today.States.StartImport.Parameters.Paths = ["/era5"];
    expect(check(sfnSdkParameters, [machine(today)])).toMatchObject({
      status: "non-compliant",
      problem: expect.stringContaining('States.StartImport (arn:aws:states:::aws-sdk:fsx:createDataRepositoryTask) Parameters.Paths[0]: got "/era5"; allowed: for IMPORT_METADATA_FROM_REPOSITORY an S3 URI'),
    });
  });

  test("compliant with the fixed definition (the associations' S3 paths)", () => {
    const fixed = refreshDefinition({ fileSystemId: "${aws_fsx_lustre_file_system.fs.id}", repositoryPaths: ["s3://era5-pds", "${aws_fsx_data_repository_association.a.data_repository_path}"], indexer: { kind: "lambda", functionArn: "arn:aws:lambda:x", event: {} } });
    expect(check(sfnSdkParameters, [machine(fixed)]).status).toBe("compliant");
  });

  test("compliant with S3 URIs, dynamic members skipped", () => {
    const ok = importTask({ FileSystemId: "${aws_fsx_lustre_file_system.fs.id}", Type: "IMPORT_METADATA_FROM_REPOSITORY", Paths: ["s3://era5-pds"], Report: { Enabled: false } });
    expect(check(sfnSdkParameters, [machine(ok)])).toEqual({ status: "compliant", note: "1 SDK task(s) valid" });
    const dynamic = { StartAt: "C", States: { C: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:fsx:describeDataRepositoryTasks", Parameters: { "TaskIds.$": "States.Array($.id)" }, End: true } } };
    expect(check(sfnSdkParameters, [machine(dynamic)]).status).toBe("compliant");
  });

  test.each([
    [{ FileSystemId: "fs-1", Type: "IMPORT_METADATA_FROM_REPOSITORY" }, /Parameters.Report: is required/],
    [{ FileSystemId: "fs-1", Type: "IMPORT", Report: { Enabled: false } }, /Parameters.Type: got "IMPORT"; allowed: one of EXPORT_TO_REPOSITORY/],
    [{ FileSystemId: "fs-1", Type: "EXPORT_TO_REPOSITORY", Report: { Enabled: "no" } }, /Parameters.Report.Enabled: got "no"; allowed: true or false/],
    [{ FileSystemId: "fs-1", Type: "EXPORT_TO_REPOSITORY", Report: { Enabled: false }, paths: ["/a"] }, /Parameters.paths: is not a member of CreateDataRepositoryTaskRequest/],
    [{ FileSystemId: "x", Type: "EXPORT_TO_REPOSITORY", Report: { Enabled: false } }, /Parameters.FileSystemId: got "x" \(1 characters\); allowed: at least 11/],
  ])("non-compliant against the model: %j", (parameters, says) => {
    expect(check(sfnSdkParameters, [machine(importTask(parameters))])).toMatchObject({ status: "non-compliant", problem: expect.stringMatching(says) });
  });

  test("an operation without a model here is reported, not passed", () => {
    const other = { StartAt: "S", States: { S: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:s3:listObjectsV2", Parameters: { Bucket: "b" }, End: true } } };
    expect(check(sfnSdkParameters, [machine(other)])).toMatchObject({ status: "non-compliant", problem: expect.stringContaining("s3:ListObjectsV2 has no request model here") });
  });

  test("members are PascalCase even where the service's model is camelCase (Step Functions' own ListExecutions)", () => {
    const list = (parameters: Record<string, unknown>) => ({ StartAt: "S", States: { S: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:sfn:listExecutions", Parameters: parameters, End: true } } });
    expect(check(sfnSdkParameters, [machine(list({ "StateMachineArn.$": "$$.StateMachine.Id", StatusFilter: "RUNNING", MaxResults: 2 }))]).status).toBe("compliant");
    expect(check(sfnSdkParameters, [machine(list({ stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:x" }))])).toMatchObject({
      status: "non-compliant",
      problem: expect.stringContaining("Parameters.stateMachineArn: is not a member of ListExecutionsInput; allowed: StateMachineArn, StatusFilter, MaxResults"),
    });
    expect(check(sfnSdkParameters, [machine(list({ StateMachineArn: "arn:x", StatusFilter: "GOING" }))])).toMatchObject({ status: "non-compliant", problem: expect.stringContaining("Parameters.StatusFilter") });
  });
});
