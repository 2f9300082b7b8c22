/**
 * The production builds a run measures: the app itself, and a bench-only copy whose
 * middleware does nothing (bench/empty-middleware.ts), to tell our middleware's share
 * of the server's CPU time.
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../tests/support/app-server";
import { emptyMiddlewareTree } from "./empty-middleware";
import { log, skipBuild } from "./plan";

export interface Builds {
  buildSeconds: number;
  /** Where the empty-middleware copy lives, built. */
  emptyTree: string;
  emptyBuildSeconds: number;
  /** Deletes the copy once its server has stopped. */
  removeEmptyTree(): void;
}

/** `next build` in `cwd`, or the build already there with --no-build; the seconds it took. */
function build(cwd: string, what: string): number {
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

/** Builds the app, then its empty-middleware twin (the build times go into the report). */
export function buildApps(): Builds {
  const buildSeconds = build(PROJECT_ROOT, "app");
  const emptyTree = emptyMiddlewareTree(PROJECT_ROOT);
  const emptyBuildSeconds = build(emptyTree, "empty-middleware copy");
  return { buildSeconds, emptyTree, emptyBuildSeconds, removeEmptyTree: () => rmSync(emptyTree, { recursive: true, force: true }) };
}
