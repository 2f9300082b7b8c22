/**
 * The account the server runs as, and whether it can reach a directory.
 * PostgreSQL refuses to run as root; as root, Tessera runs it as a system
 * user, which must be able to enter every directory on the way to its
 * cluster and to its binaries (places.ts decides where those live).
 */
import { execFileSync } from "node:child_process";
import { statSync, type Stats } from "node:fs";
import path from "node:path";
import { EmbeddedDatabaseError } from "./data-dir";
import { message } from "./helpers";

/** The operating-system account the server runs as, when it is not this process's own. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root; as root, Tessera runs it as this account (created if missing). */
const SERVER_ACCOUNT = "postgres";

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

/**
 * The first directory on the way to `target` (itself included) that `account`
 * cannot enter, or undefined when it reaches `target`. `stat` is only ever
 * replaced by tests, to ask about a tree that does not exist.
 */
export function blockedOnTheWay(
  target: string,
  account: Account,
  stat: (dir: string) => Pick<Stats, "mode" | "uid" | "gid"> = statSync,
): string | undefined {
  const chain: string[] = [];
  for (let dir = target; ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  return chain.find((dir) => !canEnter(stat(dir), account));
}
