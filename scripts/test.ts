/**
 * `npm test`: every test in one command. Unit tests first; then one production
 * build, served by `npm start` on a fresh database (a temporary embedded one,
 * or DATABASE_URL when set), which the integration tests (real HTTP) and the
 * end-to-end tests (a real Chromium) run against; then the server is stopped.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { chromiumPath } from "../e2e/browser";
import { freePort } from "./free-port";

type Env = NodeJS.ProcessEnv;

function run(title: string, command: string, args: string[], env: Env = process.env): boolean {
  console.log(`\n▶ ${title}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env });
  return result.status === 0;
}

async function waitForHealth(url: string, server: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the server did not become healthy within ${timeoutMs / 1000} s`);
}

/** The server runs in its own process group: npm and the launcher get the signal, and the launcher passes it on to the app server. */
async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || !server.pid) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  process.kill(-server.pid, "SIGTERM");
  const timer = setTimeout(() => server.pid && process.kill(-server.pid, "SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/**
 * `--server-only`: reuse the existing build and run only the suites that need a
 * server (CI's PostgreSQL pass). `--security-only`: build, then only the attack
 * suite (`npm run test:security`).
 */
const serverOnly = process.argv.includes("--server-only");
const securityOnly = process.argv.includes("--security-only");

async function main(): Promise<number> {
  const results: [string, boolean][] = [];
  if (!serverOnly) {
    if (!securityOnly) results.push(["unit", run("Unit tests", "npx", ["vitest", "run", "--project", "unit"])]);
    if (!run("Production build", "npx", ["next", "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" })) {
      console.error("The build failed; integration and end-to-end tests need it.");
      return 1;
    }
  }
  if (!securityOnly && !chromiumPath() && !run("Playwright's own Chromium", "npx", ["playwright", "install", "chromium"])) {
    console.error("No Chromium: install Debian's `chromium`, set CHROMIUM_PATH, or allow `npx playwright install chromium`.");
  }

  const dataDir = mkdtempSync(path.join(tmpdir(), "tessera-test-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(dataDir, "server.log");
  const env: Env = {
    ...process.env,
    EMBEDDED_DATA_DIR: path.join(dataDir, "data"),
    JWT_SECRET: randomBytes(48).toString("base64"),
    BCRYPT_COST: "10",
    // As if behind a proxy: tests pick their client address with X-Forwarded-For,
    // so the per-IP sign-in limit can be tested without one test starving the rest.
    TRUST_PROXY: "1",
    CORS_ORIGINS: "https://front.tessera.test",
    NEXT_TELEMETRY_DISABLED: "1",
    TESSERA_BASE_URL: baseUrl,
    TESSERA_SERVER_LOG: logFile,
  };
  console.log(`\n▶ Test server: npm start -- -p ${port} (${env.DATABASE_URL ? "DATABASE_URL" : `embedded database in ${env.EMBEDDED_DATA_DIR}`})`);
  // The server writes straight into the file: the suites below run with spawnSync,
  // which blocks this process, so a pipe through here would stall and drop output.
  const log = openSync(logFile, "a");
  const server = spawn("npm", ["start", "--", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...env, NODE_ENV: "production" },
    detached: true,
    stdio: ["ignore", log, log],
  });

  try {
    await waitForHealth(baseUrl, server);
    results.push(["seed", run("Seed the test database (while the server runs)", "npm", ["run", "db:seed"], { ...env, NODE_ENV: "test" })]);
    results.push(["security", run("Attack suite", "npx", ["vitest", "run", "--project", "security"], env)]);
    if (!securityOnly) {
      results.push(["integration", run("Integration tests", "npx", ["vitest", "run", "--project", "integration"], env)]);
      results.push(["e2e", run("End-to-end tests", "npx", ["playwright", "test"], env)]);
      results.push(["logs", run("The server's log holds no secret", "npx", ["vitest", "run", "--project", "logs"], env)]);
    }
  } catch (error) {
    console.error(String(error));
    results.push(["server", false]);
  } finally {
    await stop(server);
    closeSync(log);
  }

  const failed = results.filter(([, passed]) => !passed).map(([name]) => name);
  if (failed.length > 0) {
    console.error(`\nFailed: ${failed.join(", ")}. Server log: ${logFile}`);
    return 1;
  }
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`\nAll test suites passed: ${results.map(([name]) => name).join(", ")}.`);
  return 0;
}

process.exitCode = await main();
