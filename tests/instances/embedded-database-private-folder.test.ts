/**
 * The embedded database of a project in a private folder (mode 0700, like a
 * root's home). As root, PostgreSQL runs as the system user "postgres", which
 * cannot enter such a folder: the cluster moves to a directory of its own that
 * it can reach, and the binaries, when they too are out of its reach, to a
 * copy. As any other user, the server runs as that user and nothing moves.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { serverAccount, type Account } from "@/tools/embedded-database";
import { installedNative } from "@/tools/embedded-database/binaries";
import { RELOCATION_BASE, reachableBinaries } from "@/tools/embedded-database/places";
import { PROJECT_ROOT } from "@/tools/app-server";
import { EmbeddedOwners, sqlIn } from "../support/embedded-owners";

const asRoot = process.getuid?.() === 0;
const account: Account | undefined = serverAccount();
// mkdtemp makes it 0700: only its owner may enter.
const privateFolder = mkdtempSync(path.join(tmpdir(), "tessera-private-"));
const nativeFolder = mkdtempSync(path.join(tmpdir(), "tessera-private-"));
const dataDir = path.join(privateFolder, "app", ".data");
const link = path.join(dataDir, "postgres");
const owners = new EmbeddedOwners();
const madeElsewhere: string[] = [];

afterEach(() => owners.stopAll());
afterAll(() => {
  for (const dir of [...madeElsewhere, privateFolder, nativeFolder]) rmSync(dir, { recursive: true, force: true });
});

/** Runs a PostgreSQL program as the account the embedded server runs as, from a directory everyone may enter. */
function runAsServer(program: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(program, args, { cwd: "/", encoding: "utf8", ...(account && { uid: account.uid, gid: account.gid }) });
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error?.message ?? ""}` };
}

describe("the embedded database in a private folder", () => {
  it(
    asRoot
      ? "as root, keeps its cluster where the postgres user can reach it, links it from the data dir, and says where"
      : "as a normal user, keeps its cluster in the data dir and runs the server itself",
    async () => {
      expect(statSync(privateFolder).mode & 0o777).toBe(0o700);
      const first = await owners.start(dataDir);
      expect(first.how).toBe("started");
      const served = (await sqlIn<{ data_directory: string }>(dataDir, "SHOW data_directory"))[0]!.data_directory;

      if (asRoot) {
        expect(lstatSync(link).isSymbolicLink()).toBe(true);
        const cluster = readlinkSync(link);
        madeElsewhere.push(path.dirname(cluster));
        expect(path.dirname(path.dirname(cluster))).toBe(RELOCATION_BASE);
        expect(served).toBe(cluster);
        expect(first.output).toContain(`its cluster lives in ${cluster}, linked from ${link}`);
        const home = statSync(path.dirname(cluster));
        expect([home.uid, home.mode & 0o777]).toEqual([account!.uid, 0o700]);
        // The folder was not opened up to make room for the server.
        expect(statSync(privateFolder).mode & 0o777).toBe(0o700);
      } else {
        expect(lstatSync(link).isDirectory()).toBe(true);
        expect(served).toBe(link);
      }
      // Lock and password stay in the data dir, for this account alone; that is how other processes find the server.
      expect(existsSync(path.join(dataDir, "embedded.json"))).toBe(true);
      const password = statSync(path.join(dataDir, "postgres-password"));
      expect([password.uid, password.mode & 0o777]).toEqual([process.getuid!(), 0o600]);

      // A second process (a migration while the app runs) finds the server, and the launcher's line says where the cluster is.
      const migrate = spawnSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "deploy"], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DATABASE_URL: "", EMBEDDED_DATA_DIR: dataDir },
        encoding: "utf8",
      });
      expect(migrate.status, migrate.stdout + migrate.stderr).toBe(0);
      expect(migrate.stdout).toContain(asRoot ? `data in ${dataDir}, its cluster in ${served} (linked from ${link}), served by another process` : `data in ${dataDir}, served by another process`);

      // The data survives a restart, and a stop stops the server.
      await sqlIn(dataDir, "CREATE SCHEMA launcher_test; CREATE TABLE launcher_test.marker (note text); INSERT INTO launcher_test.marker VALUES ('kept')");
      const postmaster = Number(readFileSync(path.join(served, "postmaster.pid"), "utf8").split("\n")[0]);
      await owners.stop(first.owner);
      expect(existsSync(`/proc/${postmaster}`)).toBe(false);
      expect(existsSync(path.join(dataDir, "embedded.json"))).toBe(false);

      const second = await owners.start(dataDir);
      expect(second.how).toBe("started");
      expect(second.output).not.toContain("cluster lives in");
      expect(await sqlIn<{ note: string }>(dataDir, "SELECT note FROM launcher_test.marker")).toEqual([{ note: "kept" }]);
    },
  );

  it(
    asRoot
      ? "as root, runs binaries it cannot reach from a copy, made once, that the postgres user can run"
      : "as a normal user, runs the binaries where they are",
    async () => {
      // The package's native tree as it would be in a project inside the private folder.
      const native = { dir: path.join(nativeFolder, "native"), version: `test-${path.basename(nativeFolder)}` };
      cpSync(installedNative().dir, native.dir, { recursive: true, verbatimSymlinks: true });

      const bin = await reachableBinaries(account, native);
      if (asRoot) {
        const copy = path.dirname(path.dirname(bin.postgres));
        madeElsewhere.push(copy);
        expect(path.dirname(copy)).toBe(RELOCATION_BASE);
        expect(path.basename(copy)).toContain(native.version);
        expect(runAsServer(path.join(native.dir, "bin", "postgres"), ["--version"]).status).not.toBe(0);
        // Asked again (the next start), the same copy answers: it is not made twice.
        const made = statSync(copy).ino;
        expect(await reachableBinaries(account, native)).toEqual(bin);
        expect(statSync(copy).ino).toBe(made);
      } else {
        expect(bin.postgres).toBe(path.join(native.dir, "bin", "postgres"));
      }
      for (const program of [bin.postgres, bin.initdb]) {
        const run = runAsServer(program, ["--version"]);
        expect(run.status, run.output).toBe(0);
        expect(run.output).toMatch(/\(PostgreSQL\) 17\./);
      }
      // Once the account can reach them, they are used where they are.
      chmodSync(nativeFolder, 0o711);
      expect(await reachableBinaries(account, native)).toEqual({
        initdb: path.join(native.dir, "bin", "initdb"),
        postgres: path.join(native.dir, "bin", "postgres"),
      });
    },
  );
});
