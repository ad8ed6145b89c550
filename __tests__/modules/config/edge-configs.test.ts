import { edgeConfigs } from "../../../modules/config/generate";
import { AWS_REGIONS } from "../../../modules/config/regions";
import { LIMITS, STATE_BACKENDS } from "../../../modules/config/schema";
import { validateConfig } from "../../../modules/config/validate";
import { formatProblem } from "../../../modules/errors";

describe("edge configs", () => {
  const configs = edgeConfigs();

  test.each(configs.map((c) => [c.id, c] as const))("%s is accepted by the validator", (_id, edge) => {
    const result = validateConfig(edge.config);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });

  test("cover every Region as client and as worker, the maximum Regions and datasets, /24 CIDRs and each backend", () => {
    const clients = new Set(configs.map((c) => c.config.client.region));
    const workers = new Set(configs.flatMap((c) => c.config.workers.map((w) => w.region)));
    expect([...AWS_REGIONS].filter((r) => !clients.has(r))).toEqual([]);
    expect([...AWS_REGIONS].filter((r) => !workers.has(r))).toEqual([]);
    expect(Math.max(...configs.map((c) => c.config.workers.length))).toBe(LIMITS.maxWorkerRegions);
    expect(Math.max(...configs.flatMap((c) => c.config.workers.map((w) => w.datasets.length)))).toBe(LIMITS.maxDatasetsPerRegion);
    expect(configs.some((c) => c.config.client.cidr.endsWith(`/${LIMITS.maxCidrPrefix}`))).toBe(true);
    expect(new Set(configs.map((c) => c.config.state.backend))).toEqual(new Set(STATE_BACKENDS));
    expect(Math.max(...configs.map((c) => c.config.name.length))).toBe(16);
    expect(new Set(configs.map((c) => c.id)).size).toBe(configs.length);
  });
});
