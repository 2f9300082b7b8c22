/**
 * The load test's rule for memory that levels off: after the warm-up, the last
 * `rounds` readings all stay within `tolerance` of their own median. A leak
 * keeps climbing through those rounds and breaks it; a heap that has found its
 * size moves with the noise of the collector and stays inside. Measured against
 * the readings themselves, so no figure written down once (a README's, an
 * earlier run's) can go stale and loosen it.
 */

export interface LevelOff {
  /** The readings the rule looked at: the last `rounds`. */
  readings: number[];
  median: number;
  /** The largest distance of one of them from the median, as a fraction of the median. */
  worstDeviation: number;
  holds: boolean;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error("the median of no readings");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function levelOff(readings: number[], { rounds, tolerance }: { rounds: number; tolerance: number }): LevelOff {
  if (readings.length < rounds) throw new Error(`${readings.length} readings, fewer than the ${rounds} the rule looks at`);
  const last = readings.slice(-rounds);
  const middle = median(last);
  const worstDeviation = Math.max(...last.map((reading) => Math.abs(reading - middle) / middle));
  return { readings: last, median: middle, worstDeviation, holds: worstDeviation <= tolerance };
}
