/**
 * What a newcomer relies on from the embedded database without DATABASE_URL:
 * a second process (a migration while the app runs) uses the running server;
 * data survives a restart; a server left behind by an owner killed with
 * SIGKILL, or a stale postmaster.pid after everything was killed, does not
 * stop the next start.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT, temporaryDir } from "@/tools/app-server";
import { processTree, readProc, signalAll } from "@/tools/processes";
import { EmbeddedOwners, sqlIn } from "../support/embedded-owners";
import { eventually } from "../support/eventually";

const dir = temporaryDir("tessera-embedded-");
const pidFile = path.join(dir, "postgres", "postmaster.pid");
const owners = new EmbeddedOwners();

afterEach(() => owners.stopAll());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that starts (or reuses) the embedded database of `dir` and holds it. */
function startOwner() {
  return owners.start(dir);
}

function stop(owner: ChildProcess): Promise<void> {
  return owners.stop(owner);
}

function postmasterPid(): number {
  return Number(readFileSync(pidFile, "utf8").split("\n")[0]);
}

function running(pid: number): boolean {
  return readProc(pid) !== undefined;
}

function sql<Row extends Record<string, unknown>>(text: string): Promise<Row[]> {
  return sqlIn<Row>(dir, text);
}

/** Kept in a schema of its own, where the migrations (which want an empty `public` schema) do not look. */
async function remember(note: string): Promise<void> {
  await sql("CREATE SCHEMA IF NOT EXISTS launcher_test; CREATE TABLE IF NOT EXISTS launcher_test.marker (note text)");
  await sql(`INSERT INTO launcher_test.marker VALUES ('${note}')`);
}

async function notes(): Promise<string[]> {
  return (await sql<{ note: string }>("SELECT note FROM launcher_test.marker")).map((row) => row.note);
}

describe("the embedded database", () => {
  it("keeps its data across a clean stop and start, and stops with its owner", async () => {
    const { owner, how } = await startOwner();
    expect(how).toBe("started");
    const postmaster = postmasterPid();
    await remember("before the restart");
    await stop(owner);

    expect(running(postmaster)).toBe(false);
    // A clean (fast) shutdown removes the server's pid file and the owner's lock.
    expect(existsSync(pidFile)).toBe(false);
    expect(existsSync(path.join(dir, "embedded.json"))).toBe(false);
    expect(readFileSync(path.join(dir, "postgres.log"), "utf8")).toContain("received fast shutdown request");

    await startOwner();
    expect(await notes()).toContain("before the restart");
  });

  it("serves a second process (a migration while the app runs) from the running server", async () => {
    await startOwner();
    const postmaster = postmasterPid();
    const migrate = spawnSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "deploy"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: "", EMBEDDED_DATA_DIR: dir },
      encoding: "utf8",
    });
    expect(migrate.status, migrate.stdout + migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain("served by another process");
    expect(postmasterPid()).toBe(postmaster);
    expect(running(postmaster)).toBe(true);
    expect((await sql("SELECT 1 FROM _prisma_migrations")).length).toBeGreaterThan(0);
  });

  it("takes over from a server left running by an owner killed with SIGKILL", async () => {
    const { owner } = await startOwner();
    const postmaster = postmasterPid();
    await remember("before the owner was killed");
    owner.kill("SIGKILL");
    await once(owner, "exit");
    expect(running(postmaster)).toBe(true);

    const { how } = await startOwner();
    expect(how).toBe("started");
    expect(running(postmaster)).toBe(false);
    expect(postmasterPid()).not.toBe(postmaster);
    expect(await notes()).toContain("before the owner was killed");
  });

  it("starts after its owner and server were all killed, from the stale postmaster.pid", async () => {
    const { owner } = await startOwner();
    const postmaster = postmasterPid();
    await remember("before the crash");
    signalAll(processTree(owner.pid!).map((proc) => proc.pid), "SIGKILL");
    await eventually("everything has exited", () => !running(postmaster) && owner.exitCode === null && owner.signalCode !== null, { withinMs: 10_000, everyMs: 50 });
    expect(existsSync(pidFile)).toBe(true);

    const { how } = await startOwner();
    expect(how).toBe("started");
    expect(await notes()).toContain("before the crash");
  });
});
