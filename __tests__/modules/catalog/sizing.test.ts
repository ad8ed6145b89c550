import { KNOWN_DATASETS, knownDataset } from "../../../modules/catalog/known-datasets";
import { LAMBDA_MAX_OBJECTS, SIZING, sizeRefresh } from "../../../modules/catalog/sizing";
import { refreshDefinition } from "../../../modules/catalog-pipeline";

describe("sizing the catalog refresh", () => {
  test("the default topology's datasets: ERA5 on Fargate, CMIP6 ScenarioMIP/MOHC on Lambda", () => {
    expect(sizeRefresh([{ name: "era5", s3: "s3://era5-pds" }])).toMatchObject({
      runner: "fargate",
      plannedObjects: 40_000_000,
      datasets: [{ name: "era5", objects: 40_000_000, from: "known" }],
    });
    expect(sizeRefresh([{ name: "cmip6", s3: "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC/" }])).toMatchObject({
      runner: "lambda",
      plannedObjects: 2_000_000,
      runnerSeconds: SIZING.lambdaTimeoutSeconds + 60,
    });
  });

  test("Lambda takes a Region up to LAMBDA_MAX_OBJECTS, summed over its datasets, and never an unknown one", () => {
    expect(LAMBDA_MAX_OBJECTS).toBe(11_250_000);
    const region = (...counts: number[]) => counts.map((expectedObjects, i) => ({ name: `d${i}`, s3: `s3://bucket-${i}`, expectedObjects }));
    expect(sizeRefresh(region(LAMBDA_MAX_OBJECTS)).runner).toBe("lambda");
    expect(sizeRefresh(region(LAMBDA_MAX_OBJECTS / 2, LAMBDA_MAX_OBJECTS / 2 + 1)).runner).toBe("fargate");
    expect(sizeRefresh([{ name: "small", s3: "s3://somebody-else" }])).toMatchObject({ runner: "fargate", plannedObjects: SIZING.unknownDatasetObjects, datasets: [{ from: "unknown" }] });
    expect(sizeRefresh(region(10), "fargate").runner).toBe("fargate");
    expect(sizeRefresh([{ name: "era5", s3: "s3://era5-pds" }], "lambda").runner).toBe("lambda");
  });

  test("a configured count wins over the known estimate", () => {
    expect(sizeRefresh([{ name: "era5", s3: "s3://era5-pds", expectedObjects: 1_000 }])).toMatchObject({ runner: "lambda", datasets: [{ objects: 1_000, from: "config" }] });
  });

  test.each([
    [1_000, { importSeconds: 1_800, pollSeconds: 60, runnerSeconds: 900 }],
    [40_000_000, { importSeconds: 40_620, pollSeconds: 82, runnerSeconds: 3_540 }],
    [1_000_000_000, { importSeconds: 1_000_620, pollSeconds: 600, runnerSeconds: 80_340 }],
  ])("timeouts grow with the dataset (%i objects)", (objects, expected) => {
    const sizing = sizeRefresh([{ name: "d", s3: "s3://d", expectedObjects: objects }], "fargate");
    expect(sizing).toMatchObject(expected);
    // About 10 history events per poll: an execution stays below Step Functions' 25,000.
    expect((sizing.importSeconds / sizing.pollSeconds) * 10).toBeLessThan(25_000);
    expect(sizing.pollSeconds === 600 || sizing.importSeconds / sizing.pollSeconds <= SIZING.maxPolls + 1).toBe(true);
    expect(sizing.pipelineSeconds).toBeGreaterThanOrEqual(sizing.importSeconds + sizing.runnerAttempts * sizing.runnerSeconds);
  });

  test("every known dataset says how its count was made and where the facts come from", () => {
    for (const dataset of KNOWN_DATASETS) {
      expect(dataset.s3).toMatch(/^s3:\/\/[a-z0-9.-]+(\/[^/]+)*$/);
      expect(dataset.basis.length).toBeGreaterThan(40);
      expect(dataset.sources.length).toBeGreaterThan(0);
    }
    expect(knownDataset("s3://era5-pds/")?.objects).toBe(40_000_000);
    expect(knownDataset("s3://era5-pds/zarr")).toBeUndefined();
  });
});

describe("the refresh state machine per runner", () => {
  const common = { fileSystemId: "fs-1", repositoryPaths: ["s3://era5-pds"] };

  test("a run that finds an earlier one still going (a first import takes hours) ends at once", () => {
    const definition = refreshDefinition({ ...common, indexer: { kind: "lambda", functionArn: "arn:fn", event: {} } }) as { StartAt: string; States: Record<string, Record<string, unknown>> };
    expect(definition.StartAt).toBe("CheckRunning");
    expect(definition.States.CheckRunning).toMatchObject({
      Resource: "arn:aws:states:::aws-sdk:sfn:listExecutions",
      Parameters: { "StateMachineArn.$": "$$.StateMachine.Id", StatusFilter: "RUNNING", MaxResults: 2 },
      ResultSelector: { "Count.$": "States.ArrayLength($.Executions)" },
      Next: "AlreadyRunning",
    });
    expect(definition.States.AlreadyRunning).toEqual({
      Type: "Choice",
      Choices: [{ Variable: "$.running.Count", NumericGreaterThan: 1, Next: "EarlierRunStillGoing" }],
      Default: "StartImport",
    });
    expect(definition.States.EarlierRunStillGoing).toMatchObject({ Type: "Succeed" });
  });

  test("Lambda: invoke with the Region's event, retry failures twice, end", () => {
    const definition = refreshDefinition({ ...common, indexer: { kind: "lambda", functionArn: "arn:fn", event: { region: "us-east-1" } }, timeoutSeconds: 7_000 }) as { States: Record<string, Record<string, unknown>>; TimeoutSeconds: number };
    expect(definition.TimeoutSeconds).toBe(7_000);
    expect(definition.States.RefreshCatalog).toMatchObject({
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: "arn:fn", Payload: { region: "us-east-1" } },
      Retry: [{ MaxAttempts: 6 }, { ErrorEquals: ["States.TaskFailed"], MaxAttempts: 2 }],
      End: true,
    });
  });

  test("Fargate: run the task and wait, then succeed only on exit code 0", () => {
    const definition = refreshDefinition({
      ...common,
      indexer: { kind: "fargate", clusterArn: "arn:cluster", taskDefinitionArn: "arn:td", subnetIds: ["s-1"], securityGroupIds: ["sg-1"], containerName: "indexer" },
      indexerTimeoutSeconds: 3_600,
      indexerAttempts: 1,
      pollSeconds: 90,
    }) as { States: Record<string, Record<string, unknown>> };
    expect(definition.States.WaitForImport).toMatchObject({ Seconds: 90 });
    expect(definition.States.RefreshCatalog).toMatchObject({ Resource: "arn:aws:states:::ecs:runTask.sync", TimeoutSeconds: 3_600, Retry: [], Next: "IndexerExited" });
    expect(Object.keys(definition.States).sort()).toEqual(
      ["AlreadyRunning", "CatalogRefreshed", "CheckImport", "CheckRunning", "EarlierRunStillGoing", "ImportEnded", "ImportFailed", "IndexerExited", "IndexerFailed", "RefreshCatalog", "StartImport", "WaitForImport"],
    );
  });
});
