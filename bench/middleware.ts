/**
 * Our middleware against one that does nothing: the same routes on the same kind of
 * database, the empty-middleware build served beside the real one, interleaved.
 */
import type { AppServer } from "../tests/support/app-server";
import { interleaved, type Aggregate } from "./interleaved";
import { cell, expectOk, type Target } from "./load";
import { log, PLAN } from "./plan";
import { seedUserCookie, type BenchServers } from "./servers";
import type { Routes } from "./throughput";

export interface MiddlewareComparison {
  /** Keyed `ours-me`, `empty-me`, `ours-health`, `empty-health`. */
  cells: Map<string, Aggregate>;
  /** Next.js CPU time per request, our middleware ÷ the empty one. */
  cpuRatio: { me: number; health: number };
}

/** Next.js CPU per request with our middleware ÷ with an empty one, on /api/auth/me and /api/health: the middleware's cost on the server, where it really runs. */
export async function compareMiddleware(servers: BenchServers, app: AppServer, routes: Routes, emptyTree: string): Promise<MiddlewareComparison> {
  const empty = await servers.start({ name: "app-empty-middleware", subdir: "empty", bcryptCost: 10, cwd: emptyTree });
  empty.seed();
  const emptyMe: Target = { path: "/api/auth/me", cookie: await seedUserCookie(empty) };
  await expectOk(empty, emptyMe);
  for (const target of [routes.health, emptyMe]) await cell(empty, target, 10, 2, false);
  log(`Our middleware vs an empty one (${PLAN.httpRounds} interleaved rounds × ${PLAN.httpSeconds} s, 10 connections)…`);
  const compare = await interleaved(
    [
      { server: app, target: routes.me, key: "ours-me" },
      { server: empty, target: emptyMe, key: "empty-me" },
      { server: app, target: routes.health, key: "ours-health" },
      { server: empty, target: routes.health, key: "empty-health" },
    ],
    10,
    PLAN.httpSeconds,
    PLAN.httpRounds,
  );
  const nextCpu = (key: string) => compare.cells.get(key)!.nextCpuUsPerRequest ?? Number.NaN;
  const comparison = { cells: compare.cells, cpuRatio: { me: nextCpu("ours-me") / nextCpu("empty-me"), health: nextCpu("ours-health") / nextCpu("empty-health") } };
  await servers.stop(empty);
  return comparison;
}
