/**
 * Small helpers the embedded database's modules share: asking after and
 * signalling processes, reading files, naming errors, waiting.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";

/** Fast shutdown rolls back open transactions and writes a checkpoint; past this, stop harder. */
const FAST_SHUTDOWN_MS = 30_000;

/** Whether `pid` runs (a zombie, which no parent has reaped yet, no longer does). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if (errorCode(error) !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return process.platform !== "linux"; // elsewhere there is no /proc to ask
  }
}

/** False when the process is already gone. */
export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** Fast shutdown; if that takes too long, immediate shutdown; then SIGKILL. */
export async function stopProcess(pid: number, gone: () => boolean): Promise<void> {
  for (const [name, waitMs] of [["SIGINT", FAST_SHUTDOWN_MS], ["SIGQUIT", 5000], ["SIGKILL", 5000]] as const) {
    if (!signal(pid, name)) return;
    const deadline = Date.now() + waitMs;
    while (!gone() && Date.now() < deadline) await sleep(50);
    if (gone()) return;
  }
}

/** A TCP connect, not a query: the kernel accepts it even while the server is busy. */
export function answers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** What a file gained after `offset` (the server's output during one start). */
export function readFrom(file: string, offset: number): string {
  try {
    const fd = openSync(file, "r");
    try {
      const size = statSync(file).size;
      const buffer = Buffer.alloc(Math.max(0, size - offset));
      readSync(fd, buffer, 0, buffer.length, offset);
      return buffer.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return "";
  }
}

export function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
