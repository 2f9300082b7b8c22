/**
 * The environment the scripts decide with: the process environment over the
 * `.env*` files Next.js would load for the same mode, so `DATABASE_URL` in
 * `.env.local` means the same database to `npm run dev`, the seed and migrate.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";

export type EnvMode = "development" | "production" | "test";
export type Env = Record<string, string | undefined>;

/** Next.js's order, highest priority first; it skips `.env.local` under test so runs are reproducible. */
export function envFileNames(mode: EnvMode): string[] {
  return [`.env.${mode}.local`, ...(mode === "test" ? [] : [".env.local"]), `.env.${mode}`, ".env"];
}

export function withEnvFiles(env: Env, mode: EnvMode, dir = process.cwd()): Env {
  const layers = envFileNames(mode)
    .map((name) => path.join(dir, name))
    .filter((file) => existsSync(file))
    .map((file) => parseEnv(readFileSync(file, "utf8")));
  return Object.assign({}, ...layers.reverse(), env) as Env;
}

export function modeOf(env: Env): EnvMode {
  const mode = env.NODE_ENV;
  return mode === "production" || mode === "test" ? mode : "development";
}
