/**
 * A server left behind: one still running after its owner was killed, or the
 * stale `postmaster.pid` of one killed along with its owner. Cleared before
 * the next start, so that neither stops it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { EmbeddedDatabaseError } from "./data-dir";
import { exists, isAlive, sleep, stopProcess } from "./helpers";

/**
 * A server whose owner was killed (SIGKILL, a closed terminal) keeps running
 * with no one to stop it: stop it. A server killed along with its owner leaves
 * a stale `postmaster.pid`. PostgreSQL clears a stale pid file itself, except
 * when it may signal whatever has that pid now (a zombie no one reaped, a pid
 * reused by a process of the same account), which it takes for a live server:
 * clear it here, once no process of the old server holds its shared memory.
 */
export async function recoverLeftover(cluster: string): Promise<void> {
  const pidFile = path.join(cluster, "postmaster.pid");
  const lines = (await fs.readFile(pidFile, "utf8").catch(() => "")).split("\n");
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const owner = isAlive(pid) ? postmasterOf(pid, cluster) : "gone";
  if (owner === "unknown") return; // PostgreSQL's own check decides, safely
  if (owner === "ours") {
    console.log(`Stopping the embedded PostgreSQL (pid ${pid}) that a process which ended without stopping it left running…`);
    await stopProcess(pid, () => !isAlive(pid));
    if (!(await exists(pidFile))) return; // it shut down cleanly
  }
  const segment = lines[6]?.trim().split(/\s+/)[1];
  const attached = await attachedAfterWaiting(segment);
  if (attached === undefined && owner === "gone") return; // cannot check here; PostgreSQL can
  if (attached) {
    throw new EmbeddedDatabaseError(
      `${attached} process(es) of an earlier embedded PostgreSQL on ${cluster} still run (they hold its shared memory); stop them, then start again.`,
    );
  }
  await fs.rm(pidFile, { force: true });
  // PostgreSQL removes the old server's (tiny) segment itself when it reads the pid file; it will not read this one.
  if (segment && attached === 0) {
    try {
      execFileSync("ipcrm", ["-m", segment], { stdio: "ignore" });
    } catch {
      // No ipcrm: a few bytes until the next reboot.
    }
  }
}

/**
 * How many processes are still attached to the old server's shared memory
 * segment (its id is on line 7 of postmaster.pid, after the key), after giving
 * them a few seconds: a killed server's backends notice and exit on their own.
 * 0 for a segment that exists with no one attached; null when there is no such
 * segment; undefined where the system does not say (no /proc/sysvipc).
 */
async function attachedAfterWaiting(id: string | undefined): Promise<number | null | undefined> {
  if (!id) return null;
  const deadline = Date.now() + 5000;
  for (;;) {
    let table: string;
    try {
      table = await fs.readFile("/proc/sysvipc/shm", "utf8");
    } catch {
      return undefined;
    }
    const row = table.split("\n").map((line) => line.trim().split(/\s+/)).find((fields) => fields[1] === id);
    if (!row) return null;
    const attached = Number(row[6]);
    if (attached === 0 || Date.now() > deadline) return attached;
    await sleep(100);
  }
}

/** Whether `pid` is a postmaster serving `cluster`, from its command line (server.ts passes `-D <cluster> -p …`). */
function postmasterOf(pid: number, cluster: string): "ours" | "other" | "unknown" {
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    try {
      commandLine = execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8", stdio: "pipe" });
    } catch {
      return "unknown";
    }
  }
  return commandLine.includes(` -D ${cluster} `) ? "ours" : "other";
}
