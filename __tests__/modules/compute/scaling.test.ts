import { capacityLadder, MAX_STEP_ADJUSTMENTS, metricNamespace, stepAdjustments } from "../../../modules/compute/scaling";

/** The capacity a step policy sets for an integer metric value (AWS: lower bound inclusive, upper exclusive). */
function capacityFor(value: number, maxTasks: number): number {
  const step = stepAdjustments(maxTasks).find(
    (s) => value >= s.metricIntervalLowerBound && (s.metricIntervalUpperBound === undefined || value < s.metricIntervalUpperBound),
  );
  if (step === undefined) {
    throw new Error(`no step for ${value}`);
  }
  return step.scalingAdjustment;
}

describe("demand scaling steps", () => {
  test.each([1, 4, 12, 19])("every count up to maxTasks %i is its own step", (max) => {
    expect(capacityLadder(max)).toEqual(Array.from({ length: max + 1 }, (_, i) => i));
    for (let value = 0; value <= max + 3; value++) {
      expect(capacityFor(value, max)).toBe(Math.min(value, max));
    }
  });

  test.each([20, 50, 1000])("maxTasks %i fits the 20-step quota and rounds a count up, never down", (max) => {
    const ladder = capacityLadder(max);
    expect(stepAdjustments(max).length).toBeLessThanOrEqual(MAX_STEP_ADJUSTMENTS);
    expect(ladder[ladder.length - 1]).toBe(max);
    for (let value = 0; value <= max; value++) {
      const capacity = capacityFor(value, max);
      expect(capacity).toBeGreaterThanOrEqual(value);
      expect(ladder).toContain(capacity);
    }
  });

  test("steps neither overlap nor leave gaps", () => {
    const steps = stepAdjustments(50);
    for (let i = 1; i < steps.length; i++) {
      expect(steps[i].metricIntervalLowerBound).toBe(steps[i - 1].metricIntervalUpperBound);
    }
    expect(steps[steps.length - 1].metricIntervalUpperBound).toBeUndefined();
  });

  test("the namespace is per topology", () => {
    expect(metricNamespace("proximate")).toBe("Proximate/proximate");
  });
});
