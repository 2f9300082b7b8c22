/**
 * Our middleware against one that does nothing: the same pages on the same kind of
 * database, the bench copy's build (bench/bench-tree.ts) served beside the real one,
 * interleaved. Pages only: API routes pass through neither middleware.
 */
import type { AppServer } from "@/tools/app-server";
import { interleaved, type Aggregate } from "./interleaved";
import { cell, expectOk, type Target } from "./load";
import { log, PLAN } from "./plan";
import { seedUserCookie } from "./servers";
import type { Routes } from "./throughput";

export interface MiddlewareComparison {
  /** Keyed `ours-dashboard`, `empty-dashboard`, `ours-home`, `empty-home`. */
  cells: Map<string, Aggregate>;
  /** Next.js CPU time per request, our middleware ÷ the empty one. */
  cpuRatio: { dashboard: number; home: number };
}

/** Next.js CPU per request with our middleware ÷ with an empty one, on /dashboard (signed in) and /: the middleware's cost on the server, where it really runs. */
export async function compareMiddleware(app: AppServer, routes: Routes, empty: AppServer): Promise<MiddlewareComparison> {
  const emptyDashboard: Target = { path: "/dashboard", cookie: await seedUserCookie(empty) };
  await expectOk(empty, emptyDashboard);
  for (const target of [routes.home, emptyDashboard]) await cell(empty, target, 10, 2, false);
  log(`Our middleware vs an empty one (${PLAN.httpRounds} interleaved rounds × ${PLAN.httpSeconds} s, 10 connections)…`);
  const compare = await interleaved(
    [
      { server: app, target: routes.dashboard, key: "ours-dashboard" },
      { server: empty, target: emptyDashboard, key: "empty-dashboard" },
      { server: app, target: routes.home, key: "ours-home" },
      { server: empty, target: routes.home, key: "empty-home" },
    ],
    10,
    PLAN.httpSeconds,
    PLAN.httpRounds,
  );
  const nextCpu = (key: string) => compare.cells.get(key)!.nextCpuUsPerRequest ?? Number.NaN;
  return { cells: compare.cells, cpuRatio: { dashboard: nextCpu("ours-dashboard") / nextCpu("empty-dashboard"), home: nextCpu("ours-home") / nextCpu("empty-home") } };
}
