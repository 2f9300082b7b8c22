/**
 * Who owns a data dir: the lock file `embedded.json`, in which the process
 * that serves the data dir advertises its pid and, once the server answers,
 * its port. Created exclusively, replaced atomically, removed by its owner
 * only, and taken back from an owner that died.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import { EmbeddedDatabaseError } from "./data-dir";
import { errorCode } from "./helpers";

export interface LockState {
  pid: number;
  /** Distinguishes this lock from a later one written by a reused pid. */
  nonce: string;
  port: number | null;
  startedAt: string;
}

export function newLock(): LockState {
  return { pid: process.pid, nonce: randomUUID(), port: null, startedAt: new Date().toISOString() };
}

/** Atomic and exclusive: the content is complete before the name exists, and only one link wins. */
export async function createExclusive(lockPath: string, lock: LockState): Promise<boolean> {
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

export async function replaceOwnLock(lockPath: string, lock: LockState): Promise<void> {
  const current = await readLock(lockPath);
  if (current?.nonce !== lock.nonce) throw new Error(`another process took over ${lockPath}`);
  const temp = `${lockPath}.${lock.nonce}.tmp`;
  await fs.writeFile(temp, JSON.stringify(lock));
  await fs.rename(temp, lockPath);
}

export async function removeOwnLock(lockPath: string, lock: LockState): Promise<void> {
  const current = await readLock(lockPath);
  if (current?.nonce === lock.nonce) await fs.rm(lockPath, { force: true });
}

/**
 * Two processes may find the same stale lock. Each moves it aside under a
 * private name first; whoever moved a *different* (fresh) lock puts it back,
 * so a newly started owner never loses its lock to a late cleaner.
 */
export async function removeStaleLock(lockPath: string, stale: LockState): Promise<void> {
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

export async function readLock(file: string): Promise<LockState | null> {
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

export function isLockState(value: unknown): value is LockState {
  if (typeof value !== "object" || value === null) return false;
  const lock = value as Record<string, unknown>;
  return (
    typeof lock.pid === "number" &&
    typeof lock.nonce === "string" &&
    (lock.port === null || typeof lock.port === "number") &&
    typeof lock.startedAt === "string"
  );
}
