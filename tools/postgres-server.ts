/**
 * A throwaway PostgreSQL server on a free loopback port, owned outright by a test
 * or the bench: it can stop it, start it again, freeze it, or hold locks in it
 * through a client of its own while the app runs. Built from the server binaries
 * of the machine (Debian: `apt-get install postgresql`); when running as root, the
 * server runs as the `postgres` user, because PostgreSQL refuses to run as root.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "@/tools/free-port";
import { processTree, signalAll } from "@/tools/processes";

/** PG_BIN, or the newest of Debian's PostgreSQL server binaries; undefined if there are none. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(path.join(root, name, "bin", "initdb"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? path.join(root, newest, "bin") : undefined;
}

export interface PostgresOptions {
  /**
   * Flush writes to disk as a production server does (the bench measures that cost).
   * Off by default: a test's data need not survive a power cut, and tests run faster.
   */
  fsync?: boolean;
}

const asRoot = process.getuid?.() === 0;

export class PostgresServer {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    private readonly options: PostgresOptions,
    readonly port: number,
  ) {}

  /** initdb into a temporary directory and start the server on a free loopback port. */
  static async create(options: PostgresOptions = {}): Promise<PostgresServer> {
    const bin = postgresBinDir();
    if (!bin) throw new Error("PostgreSQL's server binaries are missing: install them (Debian: apt-get install postgresql) or set PG_BIN.");
    const dir = mkdtempSync(path.join(tmpdir(), "tessera-pg-"));
    if (asRoot) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), 0);
    const server = new PostgresServer(bin, dir, options, await freePort());
    server.run("initdb", ["-D", server.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    server.start();
    return server;
  }

  private get dataDir(): string {
    return path.join(this.dir, "data");
  }

  private run(tool: string, args: string[]): void {
    const command = path.join(this.bin, tool);
    const [file, fileArgs] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
    execFileSync(file, fileArgs, { stdio: ["ignore", "ignore", "pipe"] });
  }

  /** What `postgres --version` prints, e.g. "postgres (PostgreSQL) 15.18 (Debian …)". */
  version(): string {
    return execFileSync(path.join(this.bin, "postgres"), ["--version"], { encoding: "utf8" }).trim();
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  start(): void {
    const fsync = this.options.fsync ? "on" : "off";
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=${fsync} -c max_connections=200`;
    this.run("pg_ctl", ["-D", this.dataDir, "-l", path.join(this.dir, "server.log"), "-w", "-o", options, "start"]);
  }

  /** `fast` ends every session and stops, as an operator or a failover would. */
  stop(mode: "fast" | "immediate" = "fast"): void {
    this.run("pg_ctl", ["-D", this.dataDir, "-m", mode, "-w", "stop"]);
  }

  private processes(): number[] {
    const postmaster = Number(readFileSync(path.join(this.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return processTree(postmaster).map((proc) => proc.pid);
  }

  /**
   * A server that accepts connections but never answers (SIGSTOP), as a hung host
   * does. A backend that ended since its process list was read is skipped; one
   * forked meanwhile is caught by a second pass, once the stopped postmaster
   * (which heads the list) forks no more.
   */
  freeze(): void {
    signalAll(this.processes(), "SIGSTOP");
    signalAll(this.processes(), "SIGSTOP");
  }

  thaw(): void {
    signalAll(this.processes(), "SIGCONT");
  }

  async createDatabase(name: string): Promise<string> {
    await this.sql("postgres", (client) => client.query(`CREATE DATABASE "${name}"`));
    return this.url(name);
  }

  /** A client of the test's own, e.g. to hold a lock while the app runs; the caller ends it. */
  async connect(database: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    return client;
  }

  /** Runs `work` with a client of its own connected to `database`, then disconnects. */
  async sql<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.connect(database);
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** The rows of one query on `database`, run on a connection of its own. */
  query<Row extends object>(database: string, text: string, values: unknown[] = []): Promise<Row[]> {
    return this.sql(database, async (client) => (await client.query<Row>(text, values)).rows);
  }

  /** Stops the server at once, whatever state it is in, and deletes its files. */
  destroy(): void {
    try {
      this.thaw();
      this.stop("immediate");
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
