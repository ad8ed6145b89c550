import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { actionOfOperation, openSearchApiMethods, scanPython, scanShell, scanTypeScript, typeScriptClosure } from "../../../modules/iam-proof/code-scan";

const projectDir = join(__dirname, "..", "..", "..");

describe("AWS calls read from code", () => {
  const dir = mkdtempSync(join(tmpdir(), "proximate-code-scan-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the indexer: its SDK v3 commands and OpenSearch requests, following relative imports from the Lambda entry", () => {
    const files = typeScriptClosure([join(projectDir, "scripts", "catalog", "lambda.ts")]);
    expect(files).toContain(join(projectDir, "modules", "catalog", "s3-listing.ts"));
    const calls = scanTypeScript(files, projectDir);
    expect(calls.filter((call) => call.kind === "sdk").map((call) => `${call.service}:${call.operation}`).sort()).toEqual(["s3:ListObjectsV2", "states:StartExecution"]);
    expect(new Set(calls.filter((call) => call.kind === "http").map((call) => call.operation))).toEqual(new Set(["PUT", "POST", "GET", "DELETE"]));
    expect(calls.find((call) => call.operation === "StartExecution")?.where).toMatch(/^scripts\/catalog\/lambda\.ts:\d+$/);
  });

  test("OpenSearch client APIs send the HTTP methods the installed client says", () => {
    expect(openSearchApiMethods("indices.create")).toEqual(["PUT"]);
    expect(openSearchApiMethods("indices.refresh").sort()).toEqual(["GET", "POST"]);
    expect(openSearchApiMethods("indices.nonsense")).toEqual([]);
  });

  test("operations map to the IAM action that authorizes them", () => {
    expect(actionOfOperation("s3", "ListObjectsV2")).toBe("s3:ListBucket");
    expect(actionOfOperation("s3", "HeadObject")).toBe("s3:GetObject");
    expect(actionOfOperation("states", "StartExecution")).toBe("states:StartExecution");
  });

  test("Python: boto3 clients (inline, through a variable, paginators) with literal arguments, SigV4 requests, task protection", () => {
    const file = join(dir, "plugin.py");
    writeFileSync(
      file,
      [
        "import boto3, os, requests",
        "from botocore.auth import SigV4Auth",
        "from botocore.awsrequest import AWSRequest",
        "cw = boto3.client('cloudwatch')",
        'cw.put_metric_data(Namespace="Proximate/Dask", MetricData=[])',
        'boto3.client("opensearch").describe_domain(DomainName="proximate-catalog")',
        "s3 = session.client('s3')",
        "pages = s3.get_paginator('list_objects_v2')",
        'req = AWSRequest(method="GET", url=url + f"/{alias}/_count")',
        'SigV4Auth(creds(), "es", region).add_auth(req)',
        'requests.put(f"{os.environ[\'ECS_AGENT_URI\']}/task-protection/v1/state", json={"ProtectionEnabled": True})',
        "",
      ].join("\n"),
    );
    const calls = scanPython([file], dir);
    expect(calls.map((call) => `${call.kind} ${call.service}:${call.operation}`)).toEqual([
      "sdk es:DescribeDomain",
      "sdk cloudwatch:PutMetricData",
      "sdk s3:ListObjectsV2",
      "http es:GET",
      "http ecs-agent:PUT",
    ]);
    expect(calls[0].params).toEqual({ DomainName: "proximate-catalog" });
    expect(calls[1].params).toMatchObject({ Namespace: "Proximate/Dask" });
    expect(calls[3].path).toBe("/index/_count");
    expect(calls[1].where).toBe("plugin.py:5");
  });

  test("the notebook helper finds the catalog domain by name and signs its queries as es POSTs", () => {
    const helper = join(projectDir, "scripts", "python", "proximate", "catalog.py");
    expect(scanPython([helper], projectDir).map((call) => `${call.service} ${call.operation}${call.path === undefined ? "" : ` ${call.path}`}`)).toEqual([
      "es DescribeDomain",
      "es POST /index/_search",
    ]);
  });

  test("shell: aws CLI commands", () => {
    expect(scanShell("set -e\naws s3 cp 's3://b/k.zip' /tmp/x\nnohup aws sts get-caller-identity &\n", "script").map((call) => `${call.service} ${call.operation} ${call.params.args}`)).toEqual([
      "cli:s3 cp 's3://b/k.zip' /tmp/x",
      "cli:sts get-caller-identity &",
    ]);
  });

  test("an SDK client the proof does not know is marked, to fail with the table to extend", () => {
    const file = join(dir, "unknown.ts");
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, 'import { PutItemCommand } from "@aws-sdk/client-dynamodb-streams";\nawait c.send(new PutItemCommand({ TableName: "t" }));\n');
    expect(scanTypeScript([file], dir)[0]).toMatchObject({ service: "?dynamodb-streams", operation: "PutItem", params: { TableName: "t" } });
  });
});
