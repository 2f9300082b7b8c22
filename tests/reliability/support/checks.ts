/** Assertions shared by the reliability suites: what a client may see when the database cannot answer. */
import { expect } from "vitest";

/** The longest any request may take to answer, outage or not (the issue's "never a hang past 10 s"). */
export const ANSWER_WITHIN_MS = 10_000;

/** A 503 in the error envelope with Retry-After, and nothing of the server's insides. */
export async function expectServiceUnavailable(response: Response): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(503);
  expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  expect(JSON.parse(text)).toEqual({ message: expect.any(String), error: "service_unavailable", data: null });
  expectNoInternals(text);
}

/** No stack frame, file path or driver message leaks into a response body. */
export function expectNoInternals(text: string): void {
  expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|\.tsx?\b|ECONNREFUSED|prisma|postgres/i);
}

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

/** Polls until `ready()` holds, or fails after `timeoutMs`. */
export async function eventually(what: string, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await ready().catch(() => false)) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}
