/**
 * The production build served by `npm start` on a database the test chooses,
 * the way an operator runs it, so a test can restart it, SIGTERM it or SIGKILL
 * it and read its memory. Its output goes to a log file that a failing test prints.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@/scripts/free-port";
import { listenerOf, processTree, readProc, signalAll } from "@/tests/support/processes";

/** Settings of the app that the test runner's own environment must not leak into. */
const OWN_SETTINGS = ["DATABASE_URL", "JWT_ALG", "JWT_SECRET", "JWT_PRIVATE_KEY", "JWT_PREVIOUS_KEYS", "DB_TIMEOUT_MS", "DATABASE_POOL_MAX"];

export interface AppOptions {
  databaseUrl: string;
  /** Settings on top of the defaults below (HS256 with a fresh secret, bcrypt cost 10). */
  env?: Record<string, string>;
  /** Reuse a port, so that clients of a restarted server find it at the same address. */
  port?: number;
}

export class AppServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly options: AppOptions,
    readonly logFile: string,
    readonly exited: Promise<number | null>,
  ) {}

  static readonly defaultEnv = (): Record<string, string> => ({
    JWT_SECRET: randomBytes(48).toString("base64"),
    BCRYPT_COST: "10",
    // Clients pick their address with X-Forwarded-For, so load and storms do not trip the per-IP limit.
    TRUST_PROXY: "1",
  });

  static async start(options: AppOptions): Promise<AppServer> {
    const port = options.port ?? (await freePort());
    const logFile = path.join(mkdtempSync(path.join(tmpdir(), "tessera-reliability-app-")), "server.log");
    const log = openSync(logFile, "a");
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !OWN_SETTINGS.includes(name)));
    const child = spawn("npm", ["start", "--", "-p", String(port), "-H", "127.0.0.1"], {
      env: { ...inherited, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: options.databaseUrl, ...options.env },
      detached: true,
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const app = new AppServer(child, port, options, logFile, exited);
    await app.waitUntilReady();
    return app;
  }

  /** The same build and settings again, on the same port. */
  restart(env: Record<string, string> = {}): Promise<AppServer> {
    return AppServer.start({ ...this.options, env: { ...this.options.env, ...env }, port: this.port });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async waitUntilReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline && exitCode === undefined) {
      const ready = await fetch(`${this.url}/api/health`).then((response) => response.status < 500, () => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`the app did not start (${exitCode === undefined ? "timed out" : `exit ${exitCode}`}):\n${this.logTail()}`);
  }

  logTail(lines = 40): string {
    return readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n");
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

  /** What a platform does to stop an instance: SIGTERM to the whole group, then wait for the exit. */
  async terminate(): Promise<number | null> {
    signalAll([-this.child.pid!], "SIGTERM");
    return this.exited;
  }

  /** A crash: every process of the app gets SIGKILL at once, with no chance to clean up. */
  async kill(): Promise<void> {
    const root = this.child.pid!;
    signalAll(processTree(root).map((proc) => proc.pid), "SIGKILL");
    await this.exited;
  }
}
