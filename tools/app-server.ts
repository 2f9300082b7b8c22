/**
 * The production build served the way an operator runs it (`npm start`, or the
 * traced standalone server), in a process group of its own, on PostgreSQL or on a
 * throwaway embedded database. The tests, `npm test` and the bench use it to seed,
 * restart, SIGTERM or SIGKILL the app and to read its memory and CPU time. Its output
 * goes to a log file that failures quote.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@/tools/free-port";
import { listenerOf, processTree, pssBytes, readProc, signalAll, type ProcInfo } from "@/tools/processes";

/** This repository: the project an AppServer runs unless told another tree. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * A fresh temporary directory for an app's log and embedded database. As root, the
 * embedded PostgreSQL runs as the `postgres` user (it refuses root), which must be
 * able to enter it.
 */
export function temporaryDir(prefix = "tessera-app-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return dir;
}

/** Settings of the app that the runner's own environment must not leak into. */
const OWN_SETTINGS = ["DATABASE_URL", "JWT_ALG", "JWT_SECRET", "JWT_PRIVATE_KEY", "JWT_PREVIOUS_KEYS", "TOTP_ENCRYPTION_KEY", "WEBAUTHN_RP_ID", "WEBAUTHN_ORIGIN", "DB_TIMEOUT_MS", "DATABASE_POOL_MAX", "SMTP_URL", "MAIL_FROM", "APP_URL", "HIBP_ENABLED", "HIBP_API_URL", "AUTH_OIDC_ISSUER", "AUTH_OIDC_CLIENT_ID", "AUTH_OIDC_CLIENT_SECRET", "AUTH_OIDC_NAME", "AUTH_OIDC_TRUST_EMAIL", "AUTH_GOOGLE_CLIENT_ID", "AUTH_GOOGLE_CLIENT_SECRET", "AUTH_GITHUB_CLIENT_ID", "AUTH_GITHUB_CLIENT_SECRET", "AUTH_GITHUB_URL"];

/** How long a terminated app may take to exit before it is killed. */
const TERMINATE_WITHIN_MS = 15_000;

export interface AppOptions {
  /** A PostgreSQL database; without one the app runs its embedded database in `dataDir`. */
  databaseUrl?: string;
  /** Settings on top of the environment, e.g. `AppServer.defaultEnv()`. */
  env?: Record<string, string>;
  /**
   * Pass the runner's own DATABASE_URL, JWT_* and database settings through (`npm test`,
   * which CI configures that way); by default they are left out.
   */
  inheritSettings?: boolean;
  /** Reuse a port, so that clients of a restarted server find it at the same address. */
  port?: number;
  /** Holds the log and the embedded database; a fresh temporary directory by default. */
  dataDir?: string;
  /** Names the log file (`<name>.log`) and error messages. */
  name?: string;
  /** The project tree to run: this repository by default, or a copy of it. */
  cwd?: string;
  /**
   * What serves the build: `npm start` (the launcher, then server/start.js) by
   * default; `server` for server/start.js alone, so signals reach it directly;
   * `standalone` for the traced self-hosting build in `.next/standalone`.
   */
  program?: "npm start" | "server" | "standalone";
  /** How long start() waits for `readyPath` to answer 200 (120 s by default). */
  readyWithinMs?: number;
  /** What must answer 200 before start() returns: /api/health by default; `/` for an app whose database is down on purpose. */
  readyPath?: string;
}

type Resolved = AppOptions & Required<Pick<AppOptions, "dataDir" | "name" | "cwd">>;

/** Memory and CPU time of the app's processes under `npm start`. */
export interface AppFootprint {
  /** The server's process group: server/start.js, which runs Next.js in-process. */
  next: GroupFootprint;
  /** The rest: npm, tsx and scripts/run.ts, and the embedded PostgreSQL server that the launcher started. */
  launcher: GroupFootprint;
}

export interface GroupFootprint {
  rssBytes: number;
  /** Proportional set size summed over the group (shared pages counted once in all), if every process's could be read. */
  pssBytes?: number;
  cpuTicks: number;
  processes: number;
}

export class AppServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly options: Resolved,
    /** The app's settings (all but NODE_ENV and its address), for tools that need its database and keys. */
    readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
    readonly exited: Promise<number | null>,
  ) {}

  static readonly defaultEnv = (): Record<string, string> => ({
    JWT_SECRET: randomBytes(48).toString("base64"),
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    BCRYPT_COST: "10",
    // Clients pick their address with X-Forwarded-For, so load and storms do not trip the per-IP limit.
    TRUST_PROXY: "1",
  });

  static async start(options: AppOptions): Promise<AppServer> {
    const resolved: Resolved = {
      ...options,
      dataDir: options.dataDir ?? temporaryDir(),
      name: options.name ?? "app",
      cwd: options.cwd ?? PROJECT_ROOT,
    };
    const port = options.port ?? (await freePort());
    mkdirSync(resolved.dataDir, { recursive: true });
    const logFile = path.join(resolved.dataDir, `${resolved.name}.log`);
    const inherited: NodeJS.ProcessEnv = { ...process.env };
    if (!options.inheritSettings) for (const name of OWN_SETTINGS) delete inherited[name];
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      NEXT_TELEMETRY_DISABLED: "1",
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { EMBEDDED_DATA_DIR: path.join(resolved.dataDir, "data") }),
      ...options.env,
    };
    // The app writes straight into the file: a pipe through this process would stall
    // whenever the runner blocks (the seed runs synchronously, and so do npm test's suites).
    const log = openSync(logFile, "a");
    const address = ["-p", String(port), "-H", "127.0.0.1"];
    const launch = {
      "npm start": { command: "npm", args: ["start", "--", ...address], cwd: resolved.cwd, listen: {} },
      server: { command: process.execPath, args: ["server/start.js", ...address], cwd: resolved.cwd, listen: {} },
      standalone: { command: process.execPath, args: ["server.js"], cwd: path.join(resolved.cwd, ".next/standalone"), listen: { PORT: String(port), HOSTNAME: "127.0.0.1" } },
    }[options.program ?? "npm start"];
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: { ...env, ...launch.listen, NODE_ENV: "production" },
      detached: true,
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const app = new AppServer(child, port, resolved, env, logFile, exited);
    try {
      await app.waitUntilReady(options.readyWithinMs, options.readyPath);
    } catch (error) {
      await app.terminate();
      throw error;
    }
    return app;
  }

  /** The same build, settings and data again, on the same port. */
  restart(env: Record<string, string> = {}): Promise<AppServer> {
    return AppServer.start({ ...this.options, env: { ...this.options.env, ...env }, port: this.port });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async waitUntilReady(timeoutMs = 120_000, readyPath = "/api/health"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline && exitCode === undefined) {
      const ready = await fetch(`${this.url}${readyPath}`).then((response) => response.ok, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${this.options.name} did not start (${exitCode === undefined ? "timed out" : `exit ${exitCode}`}):\n${this.logTail()}`);
  }

  logTail(lines = 40): string {
    return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
  }

  /** `npm run db:seed` against the app's database, while it runs (the seed refuses NODE_ENV=production). */
  seed(): void {
    const result = spawnSync("npm", ["run", "db:seed"], { cwd: this.options.cwd, env: { ...this.env, NODE_ENV: "test" }, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${this.options.name}: seeding failed:\n${result.stdout}\n${result.stderr}`);
  }

  /** The process that holds the listening socket: Next.js's server, whatever launched it. */
  serverPid(): number {
    const pid = listenerOf(this.port);
    if (pid === undefined) throw new Error(`nothing listens on port ${this.port}`);
    return pid;
  }

  /** Resident memory of the serving process (its bcrypt workers are threads inside it). */
  memoryKiB(): number {
    return (readProc(this.serverPid())?.rssBytes ?? 0) / 1024;
  }

  /** Memory and CPU time of the app's processes: Next.js's process group, and the rest. */
  footprint(): AppFootprint {
    const sum = (procs: ProcInfo[]): GroupFootprint => {
      const pss = procs.map((proc) => pssBytes(proc.pid));
      return {
        rssBytes: procs.reduce((total, proc) => total + proc.rssBytes, 0),
        pssBytes: pss.every((bytes) => bytes !== undefined) ? pss.reduce((total: number, bytes) => total + bytes!, 0) : undefined,
        cpuTicks: procs.reduce((total, proc) => total + proc.cpuTicks, 0),
        processes: procs.length,
      };
    };
    // scripts/run.ts starts Next.js detached; its group is the one of the process that serves the port.
    const nextGroup = readProc(this.serverPid())?.pgid;
    const tree = processTree(this.child.pid!);
    return { next: sum(tree.filter((proc) => proc.pgid === nextGroup)), launcher: sum(tree.filter((proc) => proc.pgid !== nextGroup)) };
  }

  /**
   * What a platform does to stop an instance: SIGTERM to the launcher's group (which
   * passes it on to Next.js's group), then wait until every process of the app has
   * exited; whatever still runs after TERMINATE_WITHIN_MS is killed.
   */
  async terminate(): Promise<number | null> {
    const processes = processTree(this.child.pid!);
    signalAll([-this.child.pid!], "SIGTERM");
    const deadline = Date.now() + TERMINATE_WITHIN_MS;
    while (Date.now() < deadline && processes.some((proc) => readProc(proc.pid))) await new Promise((resolve) => setTimeout(resolve, 100));
    signalAll([...new Set(processes.map((proc) => -proc.pgid))], "SIGKILL");
    return this.exited;
  }

  /** A crash: every process of the app gets SIGKILL at once, with no chance to clean up. */
  async kill(): Promise<void> {
    signalAll(processTree(this.child.pid!).map((proc) => proc.pid), "SIGKILL");
    await this.exited;
  }
}
