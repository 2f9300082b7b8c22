/**
 * Many clients at once against one production server on PostgreSQL: the
 * database's constraints and conditional updates, not luck, decide who wins.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeClaims } from "@/tests/support/tokens";
import { httpClient, uniqueName } from "@/tools/http-client";
import { refreshCookie, sessionCookie } from "@/tools/cookies";
import { ANSWER_WITHIN_MS } from "@/tests/support/unavailable";
import { Tally } from "@/tests/support/traffic";
import { AppServer } from "@/tools/app-server";
import { PostgresServer } from "@/tools/postgres-server";

let postgres: PostgresServer;
let app: AppServer;
let client: ReturnType<typeof httpClient>;

beforeAll(async () => {
  postgres = await PostgresServer.create();
  app = await AppServer.start({ databaseUrl: await postgres.createDatabase("tessera"), env: AppServer.defaultEnv() });
  client = httpClient(app.url);
});

afterAll(async () => {
  await app?.terminate();
  postgres?.destroy();
});

const PARALLEL = 50;
const within = { timeoutMs: ANSWER_WITHIN_MS };

async function tallyOf(responses: Response[]): Promise<Tally> {
  const tally = new Tally();
  for (const response of responses) tally.count(response.status);
  return tally;
}

describe(`${PARALLEL} parallel registrations of one username`, () => {
  it("create exactly one account, with one session and one event; the rest get 409", async () => {
    const username = uniqueName("race");
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        client.call("/api/auth/register", { json: { username, password: `password-number-${i}`, name: `Racer ${i}` }, ...within }),
      ),
    );
    const tally = await tallyOf(responses);
    console.log(`Registrations of one username: ${tally}`);
    expect(tally.statuses.get(201)).toBe(1);
    expect(tally.statuses.get(409)).toBe(PARALLEL - 1);

    const winner = responses.find((response) => response.status === 201)!;
    const { data } = await winner.json();
    const users = await postgres.query<{ id: string }>("tessera", `SELECT id FROM "User" WHERE username = $1`, [username]);
    expect(users).toEqual([{ id: data.user.id }]);
    expect(await postgres.query("tessera", `SELECT id FROM "Session" WHERE "userId" = $1`, [data.user.id])).toHaveLength(1);
    expect(await postgres.query("tessera", `SELECT id FROM "AuthEvent" WHERE username = $1 AND type = 'register'`, [username])).toHaveLength(1);
    // The winner's session works.
    expect((await client.call("/api/auth/me", { cookie: `${sessionCookie(winner)!.name}=${sessionCookie(winner)!.value}` })).status).toBe(200);
  });
});

describe(`${PARALLEL} parallel refreshes of one refresh token`, () => {
  it("rotate it once, keep the session alive, and still catch a real replay", async () => {
    const user = await client.registerUser("refresh-race");
    const signed = await client.signInFully(user.username, user.password);
    const responses = await Promise.all(
      Array.from({ length: PARALLEL }, () => client.call("/api/auth/refresh", { method: "POST", cookie: signed.refresh, ...within })),
    );
    const tally = await tallyOf(responses);
    console.log(`Refreshes of one token: ${tally}`);
    // One exchange rotates; those that lost the race within the grace period get an access token only.
    expect(tally.statuses.get(200)).toBe(PARALLEL);
    const rotations = responses.map(refreshCookie).filter((cookie) => cookie !== undefined);
    expect(rotations).toHaveLength(1);
    for (const response of responses) expect(sessionCookie(response)).toBeDefined();

    const rotated = `${rotations[0]!.name}=${rotations[0]!.value}`;
    const again = await client.call("/api/auth/refresh", { method: "POST", cookie: rotated });
    expect(again.status).toBe(200);
    const latest = refreshCookie(again)!;
    expect(latest).toBeDefined();

    // The first token is now two rotations old: presenting it is a replay, which ends the session.
    const replay = await client.call("/api/auth/refresh", { method: "POST", cookie: signed.refresh });
    expect(replay.status).toBe(401);
    expect((await replay.json()).error).toBe("token_revoked");
    expect((await client.call("/api/auth/refresh", { method: "POST", cookie: `${latest.name}=${latest.value}` })).status).toBe(401);
    expect((await client.call("/api/auth/me", { cookie: signed.access })).status).toBe(401);
    expect(await postgres.query("tessera", `SELECT id FROM "AuthEvent" WHERE "userId" = $1 AND type = 'refresh_reuse'`, [signed.userId])).toHaveLength(1);
  });
});

describe("logout racing a refresh of the same session", () => {
  it("always ends with the session revoked, whichever runs first", async () => {
    const user = await client.registerUser("logout-race");
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      const signed = await client.signInFully(user.username, user.password);
      const [logout, refresh] = await Promise.all([
        client.call("/api/auth/logout", { method: "POST", cookie: `${signed.access}; ${signed.refresh}`, ...within }),
        client.call("/api/auth/refresh", { method: "POST", cookie: signed.refresh, ...within }),
      ]);
      expect(logout.status).toBeLessThan(300);
      expect([200, 401]).toContain(refresh.status);

      const sessionId = decodeClaims(signed.token).sid;
      const [session] = await postgres.query<{ revokedAt: Date | null }>("tessera", `SELECT "revokedAt" FROM "Session" WHERE id = $1`, [sessionId]);
      expect(session!.revokedAt, `round ${round}`).not.toBeNull();
      // Whatever the refresh handed out is dead too.
      const access = sessionCookie(refresh);
      if (access) expect((await client.call("/api/auth/me", { cookie: `${access.name}=${access.value}` })).status).toBe(401);
      const next = refreshCookie(refresh);
      if (next?.value) {
        expect((await client.call("/api/auth/refresh", { method: "POST", cookie: `${next.name}=${next.value}` })).status).toBe(401);
      }
    }
  });
});
