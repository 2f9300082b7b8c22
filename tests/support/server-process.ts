/**
 * Another app server beside the test server, on the same database: for tests
 * that need other settings (no TRUST_PROXY, a tiny limit), another build (the
 * standalone output), or a server they may stop.
 */
import type { ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { freePort } from "@/scripts/free-port";
import { databaseUrl } from "./database";

/** The test run's settings, on the shared database, in production mode, with `overrides`. */
export function serverEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: databaseUrl(), DATABASE_POOL_MAX: "1", ...overrides, NODE_ENV: "production" };
}

/**
 * A client address of its own: connect from it (`localAddress`) and a server
 * that reads the socket sees it, so no per-IP count carries over between tests
 * (all of 127.0.0.0/8 is local).
 */
export function loopbackAddress(): string {
  const byte = () => Math.floor(Math.random() * 250) + 2;
  return `127.${byte()}.${byte()}.${byte()}`;
}

export interface ServerProcess {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** The exit code (128 + signal number when killed by one), once the process has exited. */
  exited: Promise<number>;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM to its process group; resolves with the exit code. */
  stop(): Promise<number>;
}

/**
 * Spawns a server on a free port with `spawnAt(port)` (detached, stdio piped)
 * and waits until /api/health answers.
 */
export async function startServer(spawnAt: (port: number) => ChildProcess): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawnAt(port);
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  const server: ServerProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    child,
    exited,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, "SIGTERM");
        } catch {
          // already gone
        }
      }
      return exited;
    },
  };
  let gone = false;
  void exited.then(() => (gone = true));
  for (let attempt = 0; attempt < 300 && !gone; attempt++) {
    if (await fetch(`${server.baseUrl}/api/health`).then((response) => response.ok, () => false)) return server;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`the server on port ${port} did not become healthy:\n${output}`);
}
