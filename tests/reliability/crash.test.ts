/**
 * The server dies by SIGKILL in the middle of a registration storm, with no
 * chance to clean up. After a restart on the same database: every account a
 * client saw 201 for is there and can sign in, and no account, session or
 * event is half-written (user, session and event are written in one transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "@/tools/http-client";
import { AppServer } from "@/tools/app-server";
import { PostgresServer } from "@/tools/postgres-server";

let postgres: PostgresServer;
let app: AppServer;

beforeAll(async () => {
  postgres = await PostgresServer.create();
  app = await AppServer.start({ databaseUrl: await postgres.createDatabase("tessera"), env: AppServer.defaultEnv() });
});

afterAll(async () => {
  await app?.terminate();
  postgres?.destroy();
});

const CLIENTS = 30;
const KILL_AFTER_ACKNOWLEDGED = 60;
const PASSWORD = "storm-password-1";

describe("SIGKILL during a registration storm", () => {
  it("loses no acknowledged account and leaves nothing half-written", async () => {
    const client = httpClient(app.url);
    const acknowledged: string[] = [];
    const unanswered: string[] = [];
    let next = 0;
    let killed = false;
    let kill: Promise<void> | undefined;

    // Each client registers account after account until the server is gone.
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (!killed) {
        const username = `storm-${next++}`;
        try {
          const response = await client.call("/api/auth/register", { json: { username, password: PASSWORD, name: "Storm" }, timeoutMs: 30_000 });
          if (response.status !== 201) throw new Error(`register ${username}: ${response.status} ${await response.text()}`);
          acknowledged.push(username);
          if (acknowledged.length === KILL_AFTER_ACKNOWLEDGED) {
            // A moment later, not right at an acknowledgement: some transactions are then mid-commit.
            kill = new Promise((resolve) => setTimeout(resolve, Math.random() * 200)).then(() => {
              killed = true;
              return app.kill();
            });
          }
        } catch (error) {
          if (!killed) throw error;
          unanswered.push(username);
        }
      }
    });
    await Promise.all(clients);
    await kill;
    expect(killed).toBe(true);
    console.log(`Killed with ${acknowledged.length} registrations acknowledged and ${unanswered.length} in flight.`);
    expect(unanswered.length).toBeGreaterThan(0); // the kill did land mid-storm

    app = await app.restart();

    const users = await postgres.query<{ username: string; passwordHash: string; sessions: number; events: number }>(
      "tessera",
      `SELECT u.username, u."passwordHash",
              (SELECT count(*)::int FROM "Session" s WHERE s."userId" = u.id) AS sessions,
              (SELECT count(*)::int FROM "AuthEvent" e WHERE e."userId" = u.id AND e.type = 'register') AS events
         FROM "User" u WHERE u.username LIKE 'storm-%'`,
    );
    const stored = new Map(users.map((user) => [user.username, user]));
    // Every 201 is durable.
    expect(acknowledged.filter((username) => !stored.has(username))).toEqual([]);
    // Every account that exists, acknowledged or caught in flight, is whole.
    for (const user of users) {
      expect(user.passwordHash, user.username).toMatch(/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/);
      expect(user.sessions, user.username).toBe(1);
      expect(user.events, user.username).toBe(1);
    }
    expect(await postgres.query("tessera", `SELECT s.id FROM "Session" s LEFT JOIN "User" u ON u.id = s."userId" WHERE u.id IS NULL`)).toEqual([]);
    expect(
      await postgres.query("tessera", `SELECT e.id FROM "AuthEvent" e WHERE e.type = 'register' AND e.username LIKE 'storm-%' AND e."userId" IS NULL`),
    ).toEqual([]);
    console.log(`After the restart: ${users.length} storm accounts, all whole; ${users.length - acknowledged.length} of them unacknowledged.`);

    // The acknowledged accounts sign in on the restarted server.
    const restarted = httpClient(app.url);
    for (const username of [acknowledged[0]!, acknowledged.at(-1)!]) {
      const signed = await restarted.signInFully(username, PASSWORD);
      expect((await restarted.call("/api/auth/me", { cookie: signed.access })).status).toBe(200);
    }
  });
});
