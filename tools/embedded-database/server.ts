/**
 * Starting and stopping the server: postgres on a free port of 127.0.0.1, no
 * Unix socket, SCRAM passwords, in a process group of its own; ready once the
 * data dir's password opens it; stopped after the other connections to it
 * have had a moment to finish.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { freePort } from "@/tools/free-port";
import type { Account } from "./account";
import type { Binaries } from "./binaries";
import { EMBEDDED_FILES, EmbeddedDatabaseError, embeddedUrl } from "./data-dir";
import { errorCode, message, readFrom, signal, sleep, stopProcess } from "./helpers";

/** Crash recovery after an unclean stop may take a while on a big database. */
const READY_WAIT_MS = 60_000;
const DRAIN_MS = 15_000;
const QUIET_MS = 300;
/** A port taken between choosing it and the server binding it: try another. */
const BIND_ATTEMPTS = 3;

export interface RunningServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** The server of `cluster`, logging to the data dir `root` (which this process opens, so the account need not reach it). */
export async function startServer(root: string, cluster: string, password: string, bin: Binaries, account: Account | undefined): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    const logFile = path.join(root, EMBEDDED_FILES.log);
    const logStart = await fs.stat(logFile).then((stats) => stats.size, () => 0);
    const port = await freePort();
    const server = spawnServer({ root, cluster, bin, account, logFile }, port, password);
    try {
      await server.ready;
      return server;
    } catch (error) {
      await server.stop();
      const output = readFrom(logFile, logStart);
      if (attempt < BIND_ATTEMPTS && output.includes("could not bind")) continue;
      throw new EmbeddedDatabaseError(`${message(error)}\n${output.trim().split("\n").slice(-15).join("\n")}`);
    }
  }
}

interface ServerFiles {
  root: string;
  cluster: string;
  bin: Binaries;
  account: Account | undefined;
  logFile: string;
}

function spawnServer({ root, cluster, bin, account, logFile }: ServerFiles, port: number, password: string) {
  const log = openSync(logFile, "a", 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      bin.postgres,
      [
        "-D", cluster,
        "-p", String(port),
        // On the command line, so no setting in the data dir can widen them.
        "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=",
        "-c", "password_encryption=scram-sha-256",
      ],
      {
        // Its own process group: a Ctrl-C in the terminal reaches the launcher, which stops
        // the server only after Next.js has finished its last requests.
        detached: true,
        cwd: path.dirname(cluster),
        stdio: ["ignore", log, log],
        ...(account && { uid: account.uid, gid: account.gid }),
      },
    );
  } finally {
    closeSync(log);
  }
  let exited = false;
  let serving = false;
  let stopping = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      // A failed start is reported by startServer, with the log's last lines.
      if (serving && !stopping) console.error(`The embedded PostgreSQL stopped unexpectedly (${signal ?? `exit ${code}`}); its log is ${logFile}.`);
      resolve();
    });
    child.once("error", () => {
      exited = true;
      resolve();
    });
  });
  // Even when this process exits without stopping it (process.exit, an uncaught error), the server shuts down.
  const onExit = () => {
    if (!exited && child.pid) signal(child.pid, "SIGINT");
  };
  process.on("exit", onExit);

  const url = embeddedUrl(port, password);
  const stop = async () => {
    stopping = true;
    process.off("exit", onExit);
    if (!exited && child.pid) await stopProcess(child.pid, () => exited);
    await exit;
  };
  const ready = (async () => {
    const deadline = Date.now() + READY_WAIT_MS;
    for (;;) {
      if (exited) throw new Error("PostgreSQL exited while starting; the end of its log:");
      const reply = await tryConnect(url);
      if (reply === "ok") {
        serving = true;
        return;
      }
      if (reply === "28P01") {
        throw new EmbeddedDatabaseError(
          `The password in ${path.join(root, EMBEDDED_FILES.password)} does not open the embedded database in ${cluster}. ` +
            `Restore the right file, or delete ${cluster} to start afresh (its data is lost).`,
        );
      }
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${READY_WAIT_MS / 1000} s; the end of its log:`);
      await sleep(50);
    }
  })();
  // Observed by startServer; this keeps an early exit from counting as an unhandled rejection meanwhile.
  ready.catch(() => {});
  return { port, url, ready, stop };
}

/** "ok", or the SQLSTATE (or Node error code) of the refusal. */
async function tryConnect(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return "ok";
  } catch (error) {
    return errorCode(error) ?? "failed";
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Other processes may be using this server (a seed or migration that found it
 * running): give them a moment to finish instead of cutting them off. Done once
 * no other connection has been open for QUIET_MS, or after DRAIN_MS in any case.
 */
export async function drain(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    const started = Date.now();
    let quietSince = started;
    let announced = false;
    while (Date.now() - started < DRAIN_MS && Date.now() - quietSince < QUIET_MS) {
      const { rows } = await client.query<{ open: number }>(
        "SELECT count(*)::int AS open FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
      );
      const open = rows[0]?.open ?? 0;
      if (open > 0) quietSince = Date.now();
      // This process's own pools take a moment to hang up; only a longer wait is worth a line.
      if (open > 0 && !announced && Date.now() - started > 1000) {
        console.log(`Waiting up to ${DRAIN_MS / 1000} s for ${open} connection(s) to the embedded database to close…`);
        announced = true;
      }
      await sleep(50);
    }
  } catch {
    // The server is gone or refuses: nothing left to wait for.
  } finally {
    await client.end().catch(() => {});
  }
}
