/** Traffic that runs across a fault: loops of requests, and a tally of the statuses they got and of the requests that got no answer. */

/** Statuses seen by a stream of requests, and the requests that got no answer at all. */
export class Tally {
  readonly statuses = new Map<number, number>();
  readonly failures: string[] = [];

  count(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  fail(error: unknown): void {
    this.failures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }

  get total(): number {
    return [...this.statuses.values()].reduce((sum, n) => sum + n, 0) + this.failures.length;
  }

  toString(): string {
    const statuses = [...this.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    return `${statuses.join(" ")}${this.failures.length ? `, ${this.failures.length} without an answer` : ""}`;
  }
}

/** Runs `request` from `workers` loops until `stop()` is called; every answer and failure goes into the tally. */
export function keepRequesting(workers: number, request: () => Promise<Response>): { tally: Tally; stop: () => Promise<Tally> } {
  const tally = new Tally();
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      try {
        const response = await request();
        await response.arrayBuffer();
        tally.count(response.status);
      } catch (error) {
        tally.fail(error);
      }
    }
  });
  return {
    tally,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}
