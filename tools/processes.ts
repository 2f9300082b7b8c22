/**
 * A server's processes, read from /proc (Linux): the tree under a pid with each
 * process's group, memory and CPU time, signals to many at once, and the process
 * that listens on a port; and running a command to its end, several at once.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  rssBytes: number;
  /** User + system CPU time, in clock ticks (TICKS_PER_SECOND). */
  cpuTicks: number;
}

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
export const TICKS_PER_SECOND = 100;

/** A process as /proc shows it now; undefined once it has exited (a zombie included). */
export function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    const rssKiB = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m)?.[1];
    return {
      pid,
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      rssBytes: Number(rssKiB ?? 0) * 1024,
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return undefined;
  }
}

/**
 * A process's proportional set size (its private memory plus its share of what it
 * shares with others, e.g. PostgreSQL's shared buffers), from /proc/<pid>/smaps_rollup;
 * undefined where that file cannot be read (older kernels, another user's process).
 */
export function pssBytes(pid: number): number | undefined {
  try {
    const kiB = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m)?.[1];
    return kiB === undefined ? undefined : Number(kiB) * 1024;
  } catch {
    return undefined;
  }
}

/** `root` and every live descendant, parents before children; empty once `root` has exited. */
export function processTree(root: number): ProcInfo[] {
  const all = readdirSync("/proc").flatMap((entry) => (/^\d+$/.test(entry) ? (readProc(Number(entry)) ?? []) : []));
  const children = new Map<number, ProcInfo[]>();
  for (const proc of all) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc]);
  const tree = all.filter((proc) => proc.pid === root);
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!.pid) ?? []));
  return tree;
}

/** Sends `signal` to each pid (a negative one names a process group, as in kill(2)), skipping those gone. */
export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

/** The TCP sockets listening on a port, IPv4 and IPv6, with the local address each is bound to ("127.0.0.1", "::"). */
export function listeningSockets(port: number): { address: string; inode: string }[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A")
      .map((fields) => ({ address: decodeAddress(fields[1]!.split(":")[0]!), inode: fields[9]! })),
  );
}

/** /proc/net/tcp* write addresses as hex in 32-bit words of host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)));
  if (bytes.length === 4) return bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** The process listening on a loopback TCP port, found through its socket's inode. */
export function listenerOf(port: number): number | undefined {
  const inode = listeningSockets(port)[0]?.inode;
  if (!inode) return undefined;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fds = readdirSync(`/proc/${entry}/fd`);
      if (fds.some((fd) => readLinkSafe(`/proc/${entry}/fd/${fd}`) === `socket:[${inode}]`)) return Number(entry);
    } catch {
      // exited, or not ours to read
    }
  }
  return undefined;
}

function readLinkSafe(file: string): string | undefined {
  try {
    return readlinkSync(file);
  } catch {
    return undefined;
  }
}

export interface CommandResult {
  status: number | null;
  /** Everything it printed, stdout and stderr together. */
  output: string;
}

/** Runs a command to its end without blocking this process (so several can run at once); killed after `timeoutMs`. */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("error", (error) => resolve({ status: null, output: `${output}${error.message}` }));
    child.once("close", (status) => resolve({ status, output }));
  });
}
