/**
 * What a new contributor waits for: `git clone` of this repository into a temporary
 * directory, `npm ci` with the npm cache already warm (offline preferred), then
 * `npm run dev` until `/` first answers 200, then `npm test` in that clone, with
 * the time of each of its stages. Each step is bounded in time; the dev server's
 * processes are stopped and the directory deleted afterwards, whatever happened;
 * `npm test`'s whole output stays in bench/out/fresh-clone-npm-test.log, which a
 * failure's line in the table names. `--no-fresh-clone` skips it.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { freePort } from "@/tools/free-port";
import { PROJECT_ROOT, temporaryDir } from "@/tools/app-server";
import { processTree, readProc, signalAll } from "@/tools/processes";
import { log, skipFreshClone } from "./plan";

/** `npm test`'s own report (scripts/test.ts, TESSERA_TEST_REPORT). */
export interface NpmTestRun {
  passed: boolean;
  seconds: number;
  stages: { name: string; seconds: number; passed: boolean }[];
}

export type FreshClone =
  | { skipped: string }
  | { cloneSeconds: number; npmCiSeconds: number; devFirst200Seconds: number; totalSeconds: number; npmTest: NpmTestRun | { skipped: string } };

const LIMITS_MS = { clone: 60_000, npmCi: 360_000, dev: 240_000, npmTest: 900_000 };

/** Where `npm test`'s whole output is kept (not committed): the clone is deleted, and a failure needs its reason. */
const NPM_TEST_LOG = path.join(PROJECT_ROOT, "bench/out/fresh-clone-npm-test.log");

/** Settings of the runner's own that a new clone would not have. */
const OWN_SETTINGS = ["DATABASE_URL", "DATABASE_MIGRATE_URL", "JWT_ALG", "JWT_SECRET", "JWT_PRIVATE_KEY", "JWT_PREVIOUS_KEYS", "EMBEDDED_DATA_DIR", "NODE_ENV", "PORT"];

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of OWN_SETTINGS) delete env[name];
  return env;
}

/** Stops `pid` and everything it started (the dev launcher starts Next.js in a group of its own): SIGTERM, then SIGKILL to what is left. */
async function stopTree(pid: number): Promise<void> {
  const processes = processTree(pid);
  signalAll([...new Set(processes.map((proc) => -proc.pgid))], "SIGTERM");
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && processes.some((proc) => readProc(proc.pid))) await new Promise((resolve) => setTimeout(resolve, 200));
  signalAll([...new Set(processes.map((proc) => -proc.pgid))], "SIGKILL");
}

/**
 * Runs a command in a process group of its own; on timeout the whole tree is stopped and this throws.
 * With `logFile`, its output goes there, and a failure names the runner's "Failed: …" line and the file.
 */
async function timedCommand(what: string, command: string, args: string[], cwd: string, timeoutMs: number, { env = {}, logFile }: { env?: Record<string, string>; logFile?: string } = {}): Promise<number> {
  const started = performance.now();
  if (logFile) mkdirSync(path.dirname(logFile), { recursive: true });
  const out = logFile ? openSync(logFile, "w") : undefined;
  const child = spawn(command, args, { cwd, env: { ...cleanEnv(), ...env }, detached: true, stdio: ["ignore", out ?? "ignore", out ?? "pipe"] });
  if (out !== undefined) closeSync(out);
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const timer = setTimeout(() => void stopTree(child.pid!), timeoutMs);
  const status = await new Promise<number | null>((resolve) => {
    child.once("error", () => resolve(null));
    child.once("close", (code) => resolve(code));
  });
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  if (status !== 0) {
    const how = seconds * 1000 >= timeoutMs ? "timed out" : `exit ${status}`;
    const reason = logFile ? `${readFileSync(logFile, "utf8").match(/^Failed: .*$/m)?.[0] ?? "no summary line"} (its output: ${path.relative(PROJECT_ROOT, logFile)})` : `\n${stderr}`;
    throw new Error(`${what} failed (${how}): ${reason}`);
  }
  return seconds;
}

/** `npm run dev` in `cwd` until `/` answers 200: the seconds it took. The server is stopped before this returns. */
async function devUntilFirst200(cwd: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn("npm", ["run", "dev", "--", "-p", String(port), "-H", "127.0.0.1"], { cwd, env: cleanEnv(), detached: true, stdio: "ignore" });
  let exited = false;
  child.once("exit", () => (exited = true));
  try {
    const deadline = Date.now() + LIMITS_MS.dev;
    while (Date.now() < deadline && !exited) {
      const status = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual", signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      if (status === 200) return (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`npm run dev: / did not answer 200 within ${LIMITS_MS.dev / 1000} s${exited ? " (the dev server exited)" : ""}`);
  } finally {
    await stopTree(child.pid!);
  }
}

/** `npm test` in the fresh clone, with its stages as it reports them; a failure is reported, not thrown. */
async function npmTestIn(clone: string, dir: string): Promise<NpmTestRun | { skipped: string }> {
  log("npm test in the fresh clone…");
  const report = path.join(dir, "npm-test.json");
  try {
    await timedCommand("npm test", "npm", ["test"], clone, LIMITS_MS.npmTest, { env: { TESSERA_TEST_REPORT: report }, logFile: NPM_TEST_LOG });
  } catch (error) {
    return { skipped: `failed: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}` };
  }
  return JSON.parse(readFileSync(report, "utf8")) as NpmTestRun;
}

/** Clone, install and first page of a fresh copy; a failure is reported in the table rather than failing the run. */
export async function measureFreshClone(): Promise<FreshClone> {
  if (skipFreshClone) return { skipped: "skipped (--no-fresh-clone)" };
  const dir = temporaryDir("tessera-bench-clone-");
  const clone = path.join(dir, "tessera");
  try {
    const branch = spawnSync("git", ["rev-parse", "--abbrev-ref", "HEAD"], { cwd: PROJECT_ROOT, encoding: "utf8" }).stdout.trim();
    log(`Fresh clone of ${branch}: git clone, npm ci (warm cache), npm run dev until / answers 200…`);
    const cloneSeconds = await timedCommand("git clone", "git", ["clone", "--quiet", "--branch", branch, PROJECT_ROOT, clone], dir, LIMITS_MS.clone);
    const npmCiSeconds = await timedCommand("npm ci", "npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], clone, LIMITS_MS.npmCi);
    const devFirst200Seconds = await devUntilFirst200(clone);
    const npmTest = await npmTestIn(clone, dir);
    return { cloneSeconds, npmCiSeconds, devFirst200Seconds, totalSeconds: cloneSeconds + npmCiSeconds + devFirst200Seconds, npmTest };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`Fresh clone failed: ${message}`);
    return { skipped: `failed: ${message.split("\n")[0]}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
