/**
 * The cluster and its password: a new cluster is made by initdb with a fresh
 * random password, kept in the data dir where only this process's account may
 * read it; an existing one is opened with the password on file.
 */
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Account } from "./account";
import type { Binaries } from "./binaries";
import { EMBEDDED_FILES, EmbeddedDatabaseError, readPassword, SUPERUSER } from "./data-dir";
import { exists } from "./helpers";

/** Written whole under a temporary name, readable by its owner alone (this process's account, unless `owner` is given). */
async function writePrivateFile(file: string, content: string, owner?: Account): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temp, content, { mode: 0o600, flag: "wx" });
  if (owner) await fs.chown(temp, owner.uid, owner.gid);
  await fs.rename(temp, file);
}

/**
 * The cluster's password: for a new cluster, a fresh random one that initdb
 * sets; for an existing one, the one on file in the data dir `root`. The
 * cluster may live elsewhere (places.ts). initdb works in a scratch directory
 * beside it, which only the server account may enter, and its result is
 * renamed into place only once it succeeded, so a cluster never exists
 * without its password.
 */
export async function ensureCluster(root: string, cluster: string, bin: Binaries, account: Account | undefined): Promise<string> {
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
  const parent = path.dirname(cluster);
  for (const entry of await fs.readdir(parent)) {
    if (entry.startsWith(`${path.basename(cluster)}.init-`)) await fs.rm(path.join(parent, entry), { recursive: true, force: true });
  }
  const password = randomBytes(32).toString("base64url");
  await writePrivateFile(passwordFile, `${password}\n`);
  const scratch = `${cluster}.init-${randomUUID()}`;
  await fs.mkdir(scratch, { mode: 0o700 });
  if (account) await fs.chown(scratch, account.uid, account.gid);
  // initdb's own copy of the password, where the account it runs as can read it (the data dir may be closed to it).
  const pwfile = path.join(scratch, "password");
  await writePrivateFile(pwfile, `${password}\n`, account);
  const pgdata = path.join(scratch, "pgdata");
  await run(
    bin.initdb,
    [
      `--pgdata=${pgdata}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      // Password authentication everywhere, never trust; connections come over TCP only (see server.ts).
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
      "--no-instructions",
      // Seconds faster (every fresh clone and test run pays it); the cost is a cluster that an
      // operating-system crash in its first half-minute may leave damaged, on a development machine.
      "--no-sync",
    ],
    account,
    scratch,
  );
  await fs.rename(pgdata, cluster);
  await fs.rm(scratch, { recursive: true, force: true });
  return password;
}

/** `cwd` is one the account may enter: PostgreSQL's programs look up their working directory. */
function run(command: string, args: string[], account: Account | undefined, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], ...(account && { uid: account.uid, gid: account.gid }) });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (exit ${code}):\n${output.trim()}`)),
    );
  });
}
