/**
 * Servers for the benchmark: the app under `npm start` (as `npm test` runs it, on a
 * throwaway data dir), an optional throwaway PostgreSQL cluster, and /proc readings of
 * the memory and CPU time of a server's processes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../scripts/free-port";

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
    signalGroup(pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  for (const group of groups) signalGroup(group, "SIGKILL");
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

// --- /proc ---------------------------------------------------------------------------

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
  rssBytes: number;
  /** user + system CPU time, in clock ticks. */
  cpuTicks: number;
}

const PAGE_BYTES = 4096;
/** Linux's USER_HZ; /proc/<pid>/stat times are in these ticks. */
export const TICKS_PER_SECOND = 100;

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const rssPages = Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]);
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    return {
      pid,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      command,
      rssBytes: rssPages * PAGE_BYTES,
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined; // exited while we looked
  }
}

/** A process and all its descendants. */
export function processTree(rootPid: number): ProcInfo[] {
  const all = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).flatMap((name) => readProc(Number(name)) ?? []);
  const children = new Map<number, ProcInfo[]>();
  for (const proc of all) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc]);
  const tree: ProcInfo[] = [];
  const queue = all.filter((proc) => proc.pid === rootPid);
  while (queue.length) {
    const proc = queue.shift()!;
    tree.push(proc);
    queue.push(...(children.get(proc.pid) ?? []));
  }
  return tree;
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
  /** The server's process group: scripts/server/start.js, which runs Next.js in-process. */
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

// --- PostgreSQL ------------------------------------------------------------------------

export interface PostgresCluster {
  url: string;
  version: string;
  stop(): void;
}

/** Debian's newest PostgreSQL server binaries, if installed. */
export function postgresBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((name) => existsSync(path.join(base, name, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], "bin") : undefined;
}

/**
 * A throwaway cluster on a free loopback port (trust auth, nothing persistent).
 * initdb refuses to run as root, so as root it runs as the `postgres` user.
 */
export async function startPostgres(binDir: string): Promise<PostgresCluster> {
  const dir = tempDir("tessera-bench-pg-");
  const data = path.join(dir, "data");
  const run = path.join(dir, "run");
  mkdirSync(run);
  const asRoot = process.getuid?.() === 0;
  let uid = -1;
  if (asRoot) {
    const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    if (id.status !== 0) throw new Error("running as root and there is no `postgres` user to run initdb as");
    uid = Number(id.stdout.trim());
    const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
    for (const entry of [dir, run]) chownSync(entry, uid, gid);
  }
  const pg = (tool: string, args: string[]) => {
    const [command, fullArgs] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(binDir, tool), ...args]] : [path.join(binDir, tool), args];
    const result = spawnSync(command as string, fullArgs as string[], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  const port = await freePort();
  pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
  pg("pg_ctl", ["-D", data, "-o", `-p ${port} -k ${run} -c listen_addresses=127.0.0.1`, "-l", path.join(run, "pg.log"), "-w", "start"]);
  const version = pg("postgres", ["--version"]).trim();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    stop: () => {
      try {
        pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
