/**
 * Several load targets in interleaved rounds (order rotated each round), so that a slow
 * moment of the shared machine falls on all of them: requests and time summed over the
 * rounds, and ratios between targets taken round by round, then the median.
 */
import type { AppServer } from "@/tools/app-server";
import { cell, type Cell, type Target } from "./load";
import { median } from "./stats";

export interface Aggregate extends Cell {
  rounds: Cell[];
}

/** One target on one server, under the name its figures are kept by. */
export interface Contender {
  server: AppServer;
  target: Target;
  key: string;
}

/** Sums requests and time over rounds; latency percentiles are the median round's. */
function aggregate(rounds: Cell[]): Aggregate {
  const first = rounds[0]!;
  const requests = rounds.reduce((total, round) => total + round.requests, 0);
  const seconds = rounds.reduce((total, round) => total + round.seconds, 0);
  const cpu = rounds.map((round) => round.serverCpuUsPerRequest).filter((value): value is number => value !== undefined);
  return {
    label: first.label,
    connections: first.connections,
    seconds,
    requests,
    requestsPerSecond: requests / seconds,
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    non2xx: rounds.reduce((total, round) => total + round.non2xx, 0),
    errors: rounds.reduce((total, round) => total + round.errors, 0),
    serverCpuUsPerRequest: cpu.length ? median(cpu) : undefined,
    nextCpuUsPerRequest: median(rounds.flatMap((round) => round.nextCpuUsPerRequest ?? [])) || undefined,
    rounds,
  };
}

export interface Interleaved {
  cells: Map<string, Aggregate>;
  /** The median over rounds of `a`'s requests per second divided by `b`'s. */
  ratio(a: string, b: string): number;
}

export async function interleaved(contenders: Contender[], connections: number, seconds: number, rounds: number): Promise<Interleaved> {
  const cells = new Map<string, Cell[]>(contenders.map(({ key }) => [key, []]));
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const { server, target, key } of order) cells.get(key)!.push(await cell(server, target, connections, seconds));
  }
  const result = new Map<string, Aggregate>();
  for (const [key, list] of cells) result.set(key, aggregate(list));
  const ratio = (a: string, b: string) => median(cells.get(a)!.map((cellA, i) => cellA.requestsPerSecond / cells.get(b)![i]!.requestsPerSecond));
  return { cells: result, ratio };
}
