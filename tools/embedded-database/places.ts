/**
 * Where the cluster and the binaries live. In the data dir and in
 * node_modules, unless the server runs as another account (as root) that
 * cannot reach them there: a project in a root's home folder (mode 0700).
 * Then the cluster lives in a directory of its own under /var/lib/tessera,
 * which `<dir>/postgres` links to, and the binaries are copied there once per
 * version. The lock, the password and the log stay in the data dir, which
 * only this process's account reads, so every process finds the server
 * through `<dir>/embedded.json` as before.
 */
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { blockedOnTheWay, type Account } from "./account";
import { binariesIn, installedNative, type Binaries, type NativeTree } from "./binaries";
import { EMBEDDED_FILES, EmbeddedDatabaseError } from "./data-dir";
import { errorCode, exists } from "./helpers";

/** Where a root-run server keeps what it cannot reach in the project. Others may enter it, not list it. */
export const RELOCATION_BASE = "/var/lib/tessera";

/** What `<dir>/postgres` is now. */
export type ClusterEntry = "absent" | "directory" | { linkTo: string };

export type ClusterPlan =
  /** In the data dir, as without an account of its own, or when the account reaches it. */
  | { kind: "here"; cluster: string }
  /** Where `<dir>/postgres` links to. */
  | { kind: "linked"; cluster: string }
  /** In `home`, outside the data dir that the account cannot enter at `blocked`; `<dir>/postgres` will link to it. */
  | { kind: "relocate"; cluster: string; home: string; blocked: string }
  /** Where the account cannot enter `blocked`, and where moving it would be moving someone's data. */
  | { kind: "unreachable"; cluster: string; blocked: string };

/**
 * Where the cluster of the data dir `root` lives, from what `<root>/postgres`
 * is, the account the server runs as (undefined: this process's own), and the
 * first directory on the way to a path that the account cannot enter.
 */
export function planCluster(
  root: string,
  entry: ClusterEntry,
  account: Account | undefined,
  blockedOnTheWayTo: (target: string) => string | undefined,
): ClusterPlan {
  const blocked = (target: string) => (account ? blockedOnTheWayTo(target) : undefined);
  if (typeof entry === "object") {
    const cluster = path.resolve(root, entry.linkTo);
    const linkBlocked = blocked(path.dirname(cluster));
    return linkBlocked ? { kind: "unreachable", cluster, blocked: linkBlocked } : { kind: "linked", cluster };
  }
  const here = path.join(root, EMBEDDED_FILES.cluster);
  const rootBlocked = blocked(root);
  if (!rootBlocked) return { kind: "here", cluster: here };
  if (entry === "directory") return { kind: "unreachable", cluster: here, blocked: rootBlocked };
  const home = relocatedHome(root);
  return { kind: "relocate", cluster: path.join(home, EMBEDDED_FILES.cluster), home, blocked: rootBlocked };
}

/** One directory per data dir: the project's folder name to recognise it by, a hash of the path to tell two apart. */
export function relocatedHome(root: string): string {
  const project = path.basename(path.dirname(root)).replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40) || "data";
  const hash = createHash("sha256").update(root).digest("hex").slice(0, 12);
  return path.join(RELOCATION_BASE, `${project}-${hash}`);
}

/** Creates the data dir (private, but enterable by the server account when its parents are). */
export async function prepareDataDir(root: string, account: Account | undefined): Promise<void> {
  const created = await fs.mkdir(root, { recursive: true, mode: 0o700 });
  if (!account) return;
  // Enter, not list: the server account needs to reach its cluster inside.
  for (let dir = root; created && dir.startsWith(created); dir = path.dirname(dir)) await fs.chmod(dir, 0o711);
}

async function clusterEntry(link: string): Promise<ClusterEntry> {
  try {
    const stats = await fs.lstat(link);
    return stats.isSymbolicLink() ? { linkTo: await fs.readlink(link) } : "directory";
  } catch (error) {
    if (errorCode(error) === "ENOENT") return "absent";
    throw error;
  }
}

/** Where the cluster of `root` is, as it stands (a process that reuses a running server asks this). */
export async function clusterOf(root: string): Promise<string> {
  const entry = await clusterEntry(path.join(root, EMBEDDED_FILES.cluster));
  return typeof entry === "object" ? path.resolve(root, entry.linkTo) : path.join(root, EMBEDDED_FILES.cluster);
}

/**
 * The cluster's path, with the link and the directory it needs made, for the
 * process that holds the data dir's lock. Always the path the link resolves
 * to, never the link: initdb renames its work into place there, and finding
 * a server left behind compares command lines.
 */
export async function placeCluster(root: string, account: Account | undefined): Promise<string> {
  const link = path.join(root, EMBEDDED_FILES.cluster);
  const entry = await clusterEntry(link);
  const plan = planCluster(root, entry, account, (target) => account && blockedOnTheWay(target, account));
  if (plan.kind === "here") return plan.cluster;
  if (plan.kind === "unreachable") {
    throw new EmbeddedDatabaseError(
      `PostgreSQL refuses to run as root, so Tessera runs the embedded server as the system user "${account!.name}", ` +
        `which cannot enter ${plan.blocked} on the way to its cluster ${plan.cluster}. Let it (chmod o+x ${plan.blocked}), ` +
        `move the cluster to where it can reach it and leave a symbolic link in its place, run as a normal user, or set DATABASE_URL.`,
    );
  }
  // A link whose directory is gone (someone cleaned /var/lib) gets an empty one: initdb starts afresh there.
  if (plan.kind === "linked") {
    if (account && !(await exists(path.dirname(plan.cluster)))) await makeHome(path.dirname(plan.cluster), account);
    return plan.cluster;
  }

  const owner = account!;
  if (await exists(plan.home)) {
    // Left by an earlier data dir at this path, which was deleted with its link (its link alone, when the password is still here).
    if ((await exists(path.join(plan.cluster, "PG_VERSION"))) && (await exists(path.join(root, EMBEDDED_FILES.password)))) {
      await fs.symlink(plan.cluster, link);
      console.log(`Linked ${link} again to the embedded PostgreSQL's cluster in ${plan.cluster}.`);
      return plan.cluster;
    }
    await fs.rm(plan.home, { recursive: true, force: true });
    console.log(`Removed ${plan.home}: the embedded PostgreSQL's cluster of a data dir at ${root} that was deleted.`);
  }
  await makeHome(plan.home, owner);
  await fs.symlink(plan.cluster, link);
  console.log(
    `The system user "${owner.name}" that runs the embedded PostgreSQL cannot enter ${plan.blocked}, so its cluster lives in ` +
      `${plan.cluster}, linked from ${link}; the lock, the password and the log stay in ${root}.`,
  );
  return plan.cluster;
}

/** A directory for one cluster, owned by the server account and closed to everyone else. */
async function makeHome(home: string, account: Account): Promise<void> {
  await fs.mkdir(RELOCATION_BASE, { recursive: true, mode: 0o711 });
  await fs.mkdir(home, { mode: 0o700 });
  await fs.chown(home, account.uid, account.gid);
  const blocked = blockedOnTheWay(home, account);
  if (blocked) {
    throw new EmbeddedDatabaseError(
      `The system user "${account.name}" that runs the embedded PostgreSQL cannot enter ${blocked} on the way to ${home}, ` +
        `where Tessera keeps its cluster because it cannot reach the data dir either. Let it (chmod o+x ${blocked}), run as a normal user, or set DATABASE_URL.`,
    );
  }
}

/**
 * initdb and postgres where the server account can run them: in node_modules,
 * or else in a copy of the package's `native/` tree under RELOCATION_BASE,
 * named by the package's version and made once (copied under a temporary name,
 * then renamed into place, so a copy that exists is whole).
 */
export async function reachableBinaries(account: Account | undefined, native: NativeTree = installedNative()): Promise<Binaries> {
  const blocked = account && blockedOnTheWay(path.join(native.dir, "bin"), account);
  if (!account || !blocked) return binariesIn(native.dir);
  const copy = path.join(RELOCATION_BASE, `postgres-${native.version}-${process.platform}-${process.arch}`);
  if (!(await exists(copy))) {
    await fs.mkdir(RELOCATION_BASE, { recursive: true, mode: 0o711 });
    const temp = `${copy}.${randomUUID()}.tmp`;
    try {
      await fs.cp(native.dir, temp, { recursive: true, verbatimSymlinks: true });
      await fs.chmod(temp, 0o755);
      await fs.rename(temp, copy);
      console.log(`Copied the PostgreSQL binaries to ${copy}: the system user "${account.name}" that runs them cannot enter ${blocked} on the way to ${native.dir}.`);
    } catch (error) {
      // Another process renamed its copy into place first: that one is as good.
      if (!(await exists(copy))) throw error;
    } finally {
      await fs.rm(temp, { recursive: true, force: true });
    }
  }
  const copyBlocked = blockedOnTheWay(path.join(copy, "bin"), account);
  if (copyBlocked) {
    throw new EmbeddedDatabaseError(
      `The system user "${account.name}" that runs the embedded PostgreSQL cannot enter ${copyBlocked} on the way to its binaries ` +
        `(neither in ${native.dir} nor in ${copy}). Let it (chmod o+x ${copyBlocked}), run as a normal user, or set DATABASE_URL.`,
    );
  }
  return binariesIn(copy);
}
