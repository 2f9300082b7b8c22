/**
 * Servers for the benchmark: the app under `npm start` (as `npm test` runs it, on a
 * throwaway data dir), and the memory and CPU time of a server's process groups.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../scripts/free-port";
import { processTree, signalAll, type ProcInfo } from "../tests/support/processes";

export const ROOT = path.resolve(import.meta.dirname, "..");

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface AppServer {
  name: string;
  /** The project tree it runs from (the repository, or a bench-only copy). */
  cwd: string;
  baseUrl: string;
  child: ChildProcess;
  env: NodeJS.ProcessEnv;
  logFile: string;
}

export interface AppOptions {
  name: string;
  dataDir: string;
  bcryptCost: number;
  /** The same secret across restarts keeps issued cookies valid. */
  jwtSecret: string;
  databaseUrl?: string;
  /** Defaults to this repository. */
  cwd?: string;
}

export function newSecret(): string {
  return randomBytes(48).toString("base64");
}

async function waitForHealth(server: AppServer, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${server.name}: the server exited (code ${server.child.exitCode}); see ${server.logFile}`);
    try {
      if ((await fetch(`${server.baseUrl}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${server.name}: not healthy within ${timeoutMs / 1000} s; see ${server.logFile}`);
}

/** `npm start` in its own process group, as production runs it (NODE_ENV=production, loopback only). */
export async function startApp(options: AppOptions): Promise<AppServer> {
  const port = await freePort();
  mkdirSync(options.dataDir, { recursive: true });
  const logFile = path.join(options.dataDir, `${options.name}.log`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EMBEDDED_DATA_DIR: path.join(options.dataDir, "data"),
    JWT_SECRET: options.jwtSecret,
    JWT_ALG: "HS256",
    BCRYPT_COST: String(options.bcryptCost),
    // The bench signs in hundreds of times from one address; it measures bcrypt, not the abuse limit.
    RATE_LIMIT_PER_IP: "1000000",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: options.databaseUrl ?? "",
  };
  const cwd = options.cwd ?? ROOT;
  const child = spawn("npm", ["start", "--", "-p", String(port), "-H", "127.0.0.1"], {
    cwd,
    env: { ...env, NODE_ENV: "production" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const server: AppServer = { name: options.name, cwd, baseUrl: `http://127.0.0.1:${port}`, child, env, logFile };
  try {
    await waitForHealth(server);
  } catch (error) {
    await stopApp(server);
    throw error;
  }
  return server;
}

/** `npm run db:seed` against the running server's database (the seed refuses NODE_ENV=production). */
export function seedApp(server: AppServer): void {
  const result = spawnSync("npm", ["run", "db:seed"], { cwd: server.cwd, env: { ...server.env, NODE_ENV: "test" }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${server.name}: seeding failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * SIGTERM to the launcher's group; the launcher passes it on to Next.js's own group
 * (see scripts/run.ts). Whatever is left after 15 s is killed, group by group.
 */
export async function stopApp(server: AppServer): Promise<void> {
  const pid = server.child.pid;
  if (pid === undefined) return;
  const groups = new Set(processTree(pid).map((proc) => proc.pgid));
  if (server.child.exitCode === null && server.child.signalCode === null) {
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    signalAll([-pid], "SIGTERM");
    const timer = setTimeout(() => signalAll([-pid], "SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  signalAll([...groups].map((group) => -group), "SIGKILL");
}

/**
 * A copy of this project whose middleware does nothing, built on its own, to compare
 * server CPU with and without our middleware. Tracked files are copied (as a fresh
 * clone has them) plus the generated Prisma client; node_modules is hard-linked,
 * because Next.js's bundler refuses a node_modules symlink that leaves the project.
 */
export function emptyMiddlewareTree(): string {
  const dir = tempDir("tessera-bench-empty-middleware-");
  const files = spawnSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
  if (files.status !== 0) throw new Error(`git ls-files failed: ${files.stderr}`);
  for (const file of files.stdout.split("\0").filter(Boolean)) {
    if (existsSync(path.join(ROOT, file))) cpSync(path.join(ROOT, file), path.join(dir, file));
  }
  cpSync(path.join(ROOT, "lib/db/generated"), path.join(dir, "lib/db/generated"), { recursive: true });
  const link = spawnSync("cp", ["-al", path.join(ROOT, "node_modules"), path.join(dir, "node_modules")], { encoding: "utf8" });
  if (link.status !== 0) throw new Error(`hard-linking node_modules failed: ${link.stderr}`);
  writeFileSync(
    path.join(dir, "middleware.ts"),
    [
      "// Bench-only: the same matcher as the product's middleware, and nothing else.",
      'import { NextResponse, type NextRequest } from "next/server";',
      "",
      "export function middleware(_request: NextRequest): Response {",
      "  return NextResponse.next();",
      "}",
      "",
      'export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico|images/).*)"] };',
      "",
    ].join("\n"),
  );
  return dir;
}

export interface ServerFootprint {
  /** The `next start` process group: `next start` and its `next-server` child. */
  next: { rssBytes: number; cpuTicks: number; processes: number };
  /** The launcher's group: npm, tsx and scripts/run.ts, which hosts the embedded database. */
  launcher: { rssBytes: number; cpuTicks: number; processes: number };
}

export function footprint(server: AppServer): ServerFootprint {
  const pid = server.child.pid!;
  const tree = processTree(pid);
  const sum = (procs: ProcInfo[]) => ({
    rssBytes: procs.reduce((total, proc) => total + proc.rssBytes, 0),
    cpuTicks: procs.reduce((total, proc) => total + proc.cpuTicks, 0),
    processes: procs.length,
  });
  // scripts/run.ts starts Next.js detached, so its group is the one that is not the launcher's.
  return { next: sum(tree.filter((proc) => proc.pgid !== pid)), launcher: sum(tree.filter((proc) => proc.pgid === pid)) };
}
