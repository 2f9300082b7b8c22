/**
 * The zero-setup database (SPEC §3): PGlite (PostgreSQL in wasm) persisted in
 * `<dir>/pgdata`, served over the Postgres wire protocol on 127.0.0.1 so every
 * process talks to it through the same `@prisma/adapter-pg` path as production.
 *
 * One process owns a data dir at a time: two PGlite instances on the same
 * files would corrupt them. The owner advertises itself in `<dir>/embedded.json`
 * (pid, port); other processes reuse its server instead of opening the files.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

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

const LOCK_FILE = "embedded.json";
/** A fresh data dir takes ~8 s to initialise on a slow machine; give starters ample time. */
const START_WAIT_MS = 60_000;
/** An owner that is shutting down closes its port before it removes its lock. */
const STOP_WAIT_MS = 10_000;
const POLL_MS = 200;
const DRAIN_MS = 15_000;
const QUIET_MS = 300;
/** Next.js, the seed, migrations and tests may all connect at once. */
const MAX_CONNECTIONS = 100;

export class EmbeddedDatabaseError extends Error {
  override name = "EmbeddedDatabaseError";
}

export function embeddedUrl(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/** Starts the embedded server for `dir`, or reuses the one another process already serves from it. */
export async function openEmbeddedDatabase(dir: string): Promise<EmbeddedDatabase> {
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  const lockPath = path.join(root, LOCK_FILE);
  const startDeadline = Date.now() + START_WAIT_MS;
  let silentSince: number | undefined;

  for (;;) {
    const mine = newLock();
    if (await createExclusive(lockPath, mine)) return startOwned(root, lockPath, mine);

    const owner = await readLock(lockPath);
    if (!owner) continue;
    if (!isAlive(owner.pid)) {
      await removeStaleLock(lockPath, owner);
      continue;
    }
    if (owner.port !== null && (await answers(owner.port))) {
      return { url: embeddedUrl(owner.port), owned: false, stop: async () => {} };
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

/** Starts an in-memory server on a free port (the shadow database for `migrate new`). */
export async function startMemoryDatabase(): Promise<EmbeddedDatabase> {
  const db = new PGlite();
  const { server, port } = await serve(db);
  return { url: embeddedUrl(port), owned: true, stop: () => close(server, db) };
}

function newLock(): LockState {
  return { pid: process.pid, nonce: randomUUID(), port: null, startedAt: new Date().toISOString() };
}

async function startOwned(root: string, lockPath: string, lock: LockState): Promise<EmbeddedDatabase> {
  let db: PGlite | undefined;
  try {
    const opened = (db = new PGlite({ dataDir: path.join(root, "pgdata") }));
    const { server, port } = await serve(opened);
    await replaceOwnLock(lockPath, { ...lock, port });
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= drain(server)
        .then(() => close(server, opened))
        .finally(() => removeOwnLock(lockPath, lock)));
    return { url: embeddedUrl(port), owned: true, stop };
  } catch (error) {
    await db?.close().catch(() => {});
    await removeOwnLock(lockPath, lock);
    throw new EmbeddedDatabaseError(`Could not start the embedded database in ${root}: ${message(error)}`);
  }
}

async function serve(db: PGlite): Promise<{ server: PGLiteSocketServer; port: number }> {
  await db.waitReady;
  const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: MAX_CONNECTIONS });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  return { server, port };
}

/**
 * Other processes may be using this server (a seed or migration that found it
 * running): give them a moment to finish instead of cutting them off. Done once
 * no connection has been open for QUIET_MS, or after DRAIN_MS in any case.
 */
async function drain(server: PGLiteSocketServer): Promise<void> {
  const started = Date.now();
  let quietSince = started;
  let announced = false;
  while (Date.now() - started < DRAIN_MS && Date.now() - quietSince < QUIET_MS) {
    const { activeConnections } = server.getStats();
    if (activeConnections > 0) quietSince = Date.now();
    // This process's own pools take a moment to hang up; only a longer wait is worth a line.
    if (activeConnections > 0 && !announced && Date.now() - started > 1000) {
      console.log(`Waiting up to ${DRAIN_MS / 1000} s for ${activeConnections} connection(s) to the embedded database to close…`);
      announced = true;
    }
    await sleep(50);
  }
}

async function close(server: PGLiteSocketServer, db: PGlite): Promise<void> {
  await server.stop();
  // A clean shutdown (with its checkpoint) means the next start needs no crash recovery.
  await db.close();
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === "EPERM";
  }
}

/** A TCP connect, not a query: the kernel accepts it even while the owner is busy running a long statement. */
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

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
