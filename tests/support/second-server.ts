/**
 * A second app server beside the one `npm test` started: the same build, the
 * same database (`databaseUrl` may reach it another way, through a relay) and
 * settings, with a few settings of its own on top (another limit, another
 * cookie policy, no trusted proxy), for a test that needs the app configured
 * otherwise. It runs the production server (server/start.js) directly, since
 * the database is already there and migrated; a test about `npm start` itself
 * asks for `program: "npm start"`.
 */
import { AppServer, type AppOptions } from "@/tools/app-server";
import { databaseUrl } from "./database";

export function startSecondServer(env: Record<string, string>, options: Omit<AppOptions, "env" | "inheritSettings"> = {}): Promise<AppServer> {
  return AppServer.start({ program: "server", databaseUrl: databaseUrl(), ...options, inheritSettings: true, env });
}
