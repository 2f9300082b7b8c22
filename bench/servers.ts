/**
 * The servers one run starts: `npm start` instances that share one signing secret and
 * one data directory (so a restart with the same data keeps issued cookies valid), and
 * at most one PostgreSQL server. All of them are stopped at the end, failure or not.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { AppServer, temporaryDir, type AppOptions } from "@/tools/app-server";
import { httpClient } from "@/tools/http-client";
import { PostgresServer } from "@/tools/postgres-server";
import { log } from "./plan";

/** A seeded account (prisma/seed.ts), for the signed-in routes. */
const SEED_USER = { username: "toby", password: "123toby" };

export interface StartOptions extends Pick<AppOptions, "name" | "databaseUrl" | "cwd"> {
  bcryptCost: number;
  /** A directory of its own inside the run's data directory, for a server that must not share the data. */
  subdir?: string;
  /** Settings on top of the bench's own, e.g. `{ SESSION_CACHE: "off" }`. */
  env?: Record<string, string>;
}

export class BenchServers {
  readonly dataDir = temporaryDir("tessera-bench-");
  private readonly secret = randomBytes(48).toString("base64");
  private readonly running: AppServer[] = [];
  private postgresServer: PostgresServer | undefined;

  /** `npm start` signing HS256 with the run's secret, with no per-IP sign-in limit to trip, plus any settings in `env`. */
  async start({ bcryptCost, subdir, env = {}, ...options }: StartOptions): Promise<AppServer> {
    const extra = Object.entries(env).map(([name, value]) => `, ${name}=${value}`).join("");
    log(`Starting ${options.name} (BCRYPT_COST=${bcryptCost}${extra}${options.databaseUrl ? ", PostgreSQL server" : ", embedded database"})…`);
    const server = await AppServer.start({
      ...options,
      dataDir: subdir ? path.join(this.dataDir, subdir) : this.dataDir,
      env: {
        JWT_ALG: "HS256",
        JWT_SECRET: this.secret,
        BCRYPT_COST: String(bcryptCost),
        // The bench signs in hundreds of times from one address; it measures bcrypt, not the abuse limit.
        RATE_LIMIT_PER_IP: "1000000",
        ...env,
      },
    });
    this.running.push(server);
    return server;
  }

  async stop(server: AppServer): Promise<void> {
    await server.terminate();
    this.running.splice(this.running.indexOf(server), 1);
  }

  /** A throwaway PostgreSQL server that flushes to disk as a production one does. */
  async postgres(): Promise<PostgresServer> {
    this.postgresServer = await PostgresServer.create({ fsync: true });
    return this.postgresServer;
  }

  async stopAll(): Promise<void> {
    for (const server of [...this.running]) await server.terminate();
    this.postgresServer?.destroy();
  }
}

/** Runs `measure` on a fresh set of servers and stops them all afterwards; their logs are deleted on success and kept on failure. */
export async function withServers<T>(measure: (servers: BenchServers) => Promise<T>): Promise<T> {
  const servers = new BenchServers();
  let result: T;
  try {
    result = await measure(servers);
  } catch (error) {
    log(`Failed; the servers' logs are kept in ${servers.dataDir}.`);
    throw error;
  } finally {
    await servers.stopAll();
  }
  rmSync(servers.dataDir, { recursive: true, force: true });
  return result;
}

/** The seed user's session cookie on `server` (a `Cookie` header value). */
export function seedUserCookie(server: AppServer): Promise<string> {
  return httpClient(server.url).signIn(SEED_USER.username, SEED_USER.password);
}
