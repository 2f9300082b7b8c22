/**
 * HTTP load with autocannon against 127.0.0.1 only, in short bounded cells. Each cell
 * also records the server's CPU time, so a figure can be given per request as well as
 * per second.
 */
import autocannon from "autocannon";
import { TICKS_PER_SECOND } from "@/tools/processes";
import type { AppServer } from "@/tools/app-server";

export interface Cell {
  label: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Server CPU (Next.js, the launcher and the embedded database) per completed request, µs; undefined when the server is shared with other load. */
  serverCpuUsPerRequest?: number;
  /** The part of it spent in Next.js's process group; the rest is the launcher and the embedded database it started. */
  nextCpuUsPerRequest?: number;
}

export interface Target {
  path: string;
  method?: "GET" | "POST";
  cookie?: string;
  json?: unknown;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") throw new Error(`load is for loopback only, not ${host}`);
}

function options(server: AppServer, target: Target, connections: number, seconds: number): autocannon.Options {
  const url = `${server.url}${target.path}`;
  assertLoopback(url);
  const headers: Record<string, string> = {};
  if (target.cookie) headers.cookie = target.cookie;
  if (target.json !== undefined) headers["content-type"] = "application/json";
  // autocannon never follows redirects: a 3xx (a refused cookie) shows up as non-2xx.
  return {
    url,
    connections,
    duration: seconds,
    method: target.method ?? "GET",
    headers,
    body: target.json === undefined ? undefined : JSON.stringify(target.json),
  };
}

function toCell(label: string, connections: number, result: autocannon.Result): Cell {
  return {
    label,
    connections,
    seconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** One load cell; `cpu` measures the server's CPU time across it (only meaningful when nothing else loads it). */
export async function cell(server: AppServer, target: Target, connections: number, seconds: number, cpu = true): Promise<Cell> {
  const before = cpu ? server.footprint() : undefined;
  const result = await autocannon(options(server, target, connections, seconds));
  const measured = toCell(target.path, connections, result);
  if (before) {
    const after = server.footprint();
    const perRequest = (ticks: number) => (measured.requests ? (ticks / TICKS_PER_SECOND / measured.requests) * 1e6 : undefined);
    const nextTicks = after.next.cpuTicks - before.next.cpuTicks;
    measured.serverCpuUsPerRequest = perRequest(nextTicks + after.launcher.cpuTicks - before.launcher.cpuTicks);
    measured.nextCpuUsPerRequest = perRequest(nextTicks);
  }
  return measured;
}

/** Several targets loaded at the same time (a sign-in storm and a health probe). */
export async function together(server: AppServer, loads: { target: Target; connections: number }[], seconds: number): Promise<Cell[]> {
  const results = await Promise.all(loads.map(({ target, connections }) => autocannon(options(server, target, connections, seconds))));
  return results.map((result, i) => toCell(loads[i]!.target.path, loads[i]!.connections, result));
}

/** Fails loudly if a target does not answer 200 with this cookie, before any load is spent on it. */
export async function expectOk(server: AppServer, target: Target): Promise<void> {
  const response = await fetch(`${server.url}${target.path}`, {
    method: target.method ?? "GET",
    headers: { ...(target.cookie ? { cookie: target.cookie } : {}), ...(target.json !== undefined ? { "content-type": "application/json" } : {}) },
    body: target.json === undefined ? undefined : JSON.stringify(target.json),
    redirect: "manual",
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${server.options.name}: ${target.path} answered ${response.status}, expected 200`);
}
