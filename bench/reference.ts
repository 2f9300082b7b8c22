/**
 * /api/auth/me beside the reference signed-in route (bench/bench-tree.ts: one jose
 * jwtVerify, one user-by-id query) and beside /api/health, all three on one server
 * process of the bench's copy, interleaved; once with the session cache as configured
 * by default and once with `SESSION_CACHE=off`.
 */
import type { AppServer } from "@/tools/app-server";
import { REFERENCE_ROUTE } from "./bench-tree";
import { interleaved, type Aggregate } from "./interleaved";
import { cell, expectOk, type Target } from "./load";
import { log, PLAN } from "./plan";
import { seedUserCookie } from "./servers";

export interface ReferenceComparison {
  /** `default` (SESSION_CACHE unset) or `off`. */
  sessionCache: "default" | "off";
  /** Keyed `me`, `reference`, `health`. */
  cells: Map<string, Aggregate>;
  /** Medians of the per-round ratios of requests per second. */
  meOverReference: number;
  meOverHealth: number;
}

export async function compareWithReference(server: AppServer, sessionCache: ReferenceComparison["sessionCache"]): Promise<ReferenceComparison> {
  const cookie = await seedUserCookie(server);
  const targets: Record<string, Target> = { me: { path: "/api/auth/me", cookie }, reference: { path: REFERENCE_ROUTE, cookie }, health: { path: "/api/health" } };
  for (const target of Object.values(targets)) await expectOk(server, target);
  for (const target of Object.values(targets)) await cell(server, target, 10, 1, false);
  log(`/api/auth/me vs the reference route, session cache ${sessionCache} (${PLAN.httpRounds} interleaved rounds × ${PLAN.httpSeconds} s, 10 connections)…`);
  const run = await interleaved(
    Object.entries(targets).map(([key, target]) => ({ server, target, key })),
    10,
    PLAN.httpSeconds,
    PLAN.httpRounds,
  );
  return { sessionCache, cells: run.cells, meOverReference: run.ratio("me", "reference"), meOverHealth: run.ratio("me", "health") };
}
