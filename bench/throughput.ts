/**
 * Requests per second and latency of the main routes, public and signed in, on one
 * server at each connection level: what the session check costs a request.
 */
import type { AppServer } from "@/tools/app-server";
import { interleaved, type Aggregate } from "./interleaved";
import { cell, expectOk, type Target } from "./load";
import { CONNECTION_LEVELS, log, PLAN } from "./plan";
import { seedUserCookie } from "./servers";

/** The routes the request matrix loads: two public ones, and a signed-in API route and page. */
export interface Routes {
  health: Target;
  me: Target;
  dashboard: Target;
  home: Target;
}

export interface Throughput {
  cells: Map<string, Aggregate>;
  ratios: { meOverHealth: number; dashboardOverHome: number };
}

/** The routes signed in as the seed user, each checked to answer 200 and warmed up, so no load is spent on a refused cookie or a cold route. */
export async function routeTargets(app: AppServer): Promise<Routes> {
  const cookie = await seedUserCookie(app);
  const routes: Routes = {
    health: { path: "/api/health" },
    me: { path: "/api/auth/me", cookie },
    dashboard: { path: "/dashboard", cookie },
    home: { path: "/" },
  };
  for (const target of Object.values(routes)) await expectOk(app, target);
  log("Warming up every route…");
  for (const target of Object.values(routes)) await cell(app, target, 10, 2, false);
  return routes;
}

/** Every route at each connection level, interleaved: how a signed-in request compares with a public one (/api/auth/me ÷ /api/health, /dashboard ÷ /). */
export async function measureThroughput(app: AppServer, routes: Routes): Promise<Record<number, Throughput>> {
  const byLevel: Record<number, Throughput> = {};
  for (const connections of CONNECTION_LEVELS) {
    log(`Requests at ${connections} connections (${PLAN.httpRounds} interleaved rounds × ${PLAN.httpSeconds} s per route)…`);
    const run = await interleaved(
      Object.entries(routes).map(([key, target]) => ({ server: app, target, key })),
      connections,
      PLAN.httpSeconds,
      PLAN.httpRounds,
    );
    byLevel[connections] = { cells: run.cells, ratios: { meOverHealth: run.ratio("me", "health"), dashboardOverHome: run.ratio("dashboard", "home") } };
  }
  return byLevel;
}
