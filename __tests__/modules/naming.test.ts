import { fitName } from "../../modules/naming";

describe("fitName", () => {
  test("keeps names that fit unchanged (existing deployments keep their names)", () => {
    expect(fitName("proximate-eu-west-2", "dash", 32)).toBe("proximate-eu-west-2-dash");
    expect(fitName("proximate-eu-west-2", "notebook-", 37)).toBe("proximate-eu-west-2-notebook-");
  });

  test("shortens the Region words first, then cuts with a digest; never ends the prefix with a hyphen", () => {
    expect(fitName("abcdefghijklmnop-ap-northeast-1", "dash", 32)).toBe("abcdefghijklmnop-ap-ne-1-dash");
    const cut = fitName("abcdefghijklmnop-ap-northeast-1", "a-much-longer-suffix", 32);
    expect(cut.length).toBeLessThanOrEqual(32);
    expect(cut.endsWith("-a-much-longer-suffix")).toBe(true);
    expect(cut).not.toMatch(/--/);
  });

  test.each(["ap-southeast-1", "ap-northeast-1", "me-central-1", "ca-central-1", "eu-central-2"])("the longest topology name fits every limit in %s", (region) => {
    const prefix = `abcdefghijklmnop-${region}`;
    expect(fitName(prefix, "dash", 32).length).toBeLessThanOrEqual(32);
    expect(fitName(prefix, "dash-logs-", 37).length).toBeLessThanOrEqual(37);
    expect(fitName(prefix, "notebook-", 37).length).toBeLessThanOrEqual(37);
  });
});
