import { describe, expect, it } from "vitest";
import { levelOff, median } from "@/tests/support/level-off";

const RULE = { rounds: 5, tolerance: 0.05 };

describe("the load test's level-off rule", () => {
  it("holds for a heap that grew while warming up and then moves with the noise", () => {
    const result = levelOff([300, 360, 380, 372, 369, 375, 364, 371, 380, 368], RULE);
    expect(result.readings).toEqual([375, 364, 371, 380, 368]);
    expect(result.median).toBe(371);
    expect(result.holds).toBe(true);
  });

  it("fails the readings of the issue's run, which rose in every round", () => {
    expect(levelOff([563, 679, 732, 829, 888, 880, 915, 955, 976, 963], RULE).holds).toBe(false);
  });

  it("fails a slow leak that stays below a 10 % rise over the highest earlier reading", () => {
    // About 3 % a round: the rule that this one replaced let the last round through.
    const leak = [400, 420, 430, 443, 456, 470, 484, 498, 513, 528];
    expect(leak.at(-1)! <= Math.max(...leak.slice(1, -1)) * 1.1).toBe(true);
    expect(levelOff(leak, RULE).holds).toBe(false);
  });

  it("fails one reading far off the others, up or down", () => {
    expect(levelOff([400, 400, 400, 400, 400, 400, 400, 400, 400, 430], RULE).holds).toBe(false);
    expect(levelOff([400, 400, 400, 400, 400, 370, 400, 400, 400, 400], RULE).holds).toBe(false);
  });

  it("needs as many readings as it looks at", () => {
    expect(() => levelOff([400, 400, 400], RULE)).toThrow(/fewer than the 5/);
  });

  it("takes the median of an even count as the mean of the middle two", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
