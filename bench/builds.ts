/**
 * The production builds a run measures: the app itself, and the bench's own copy
 * (bench/bench-tree.ts) whose middleware does nothing and which adds a reference
 * signed-in route.
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "@/tools/app-server";
import { benchTree } from "./bench-tree";
import { log, skipBuild } from "./plan";

export interface Builds {
  buildSeconds: number;
  /** Where the bench's copy (empty middleware, reference route) lives, built. */
  benchCopy: string;
  emptyBuildSeconds: number;
  /** Deletes the copy once its server has stopped. */
  removeBenchCopy(): void;
}

/** `next build` in `cwd`, or the build already there with --no-build; the seconds it took. */
export function build(cwd: string, what: string): number {
  if (skipBuild && existsSync(path.join(cwd, ".next", "BUILD_ID"))) {
    log(`Reusing the existing ${what} (--no-build).`);
    return 0;
  }
  log(`Building the ${what} (next build)…`);
  const started = performance.now();
  const result = spawnSync("npx", ["next", "build"], { cwd, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`next build failed in ${cwd}`);
  return (performance.now() - started) / 1000;
}

/** Builds the app, then the bench's copy (the build times go into the report). */
export function buildApps(): Builds {
  const buildSeconds = build(PROJECT_ROOT, "app");
  const benchCopy = benchTree(PROJECT_ROOT);
  const emptyBuildSeconds = build(benchCopy, "bench copy (empty middleware, reference route)");
  return { buildSeconds, benchCopy, emptyBuildSeconds, removeBenchCopy: () => rmSync(benchCopy, { recursive: true, force: true }) };
}
