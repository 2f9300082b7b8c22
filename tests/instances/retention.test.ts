/**
 * Retention: `npm run db:prune` (and the server's own hourly run) deletes
 * sessions that ended more than SESSION_RETENTION ago with their rotated
 * refresh-token hashes, auth events older than EVENT_RETENTION, passed
 * rate-limit windows, and expired sign-in steps and invitations never used, and
 * keeps everything else. Rows are written straight into
 * the test server's database with moments in the past no test could wait for.
 *
 * The prunes here run with retentions shorter than the servers' own, and the rows
 * they must delete ended between the two: a server starting beside this file
 * (every start prunes) keeps them, so what this file's prune reports is its own.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { freePort } from "@/tools/free-port";
import { AppServer } from "@/tools/app-server";
import { utcParameter } from "@/lib/db/sql";
import { fillRateLimit, query, secondsAgo } from "../support/database";
import { registerUser } from "@/tools/http-client";
import { eventually } from "../support/eventually";
import { runCommand } from "@/tools/processes";

const HOUR = 3600;
const DAY = 86_400;
const SHORTER_RETENTION = { SESSION_RETENTION: "10d", EVENT_RETENTION: "10d" };
const servers = parseConfig(process.env).retention;
const { refreshTokenTtl, retention } = parseConfig({ ...process.env, ...SHORTER_RETENTION });

const prune = () => runCommand("npm", ["run", "db:prune"], { ...process.env, ...SHORTER_RETENTION });
const SKIPPED = "Another instance is pruning";
/**
 * This file's prune, run again while it skips: a server that another lane starts
 * beside this one prunes as it starts, and holds the lock for that moment.
 */
async function pruneOnce(): ReturnType<typeof prune> {
  for (let attempt = 1; ; attempt++) {
    const result = await prune();
    if (!result.output.includes(SKIPPED) || attempt === 3) return result;
  }
}
/** `npm run db:prune` starts a TypeScript process of its own: seconds each, more on a busy machine. */
const PRUNE_RUN_MS = 90_000;

async function addSession(userId: string, times: { lastUsedAt?: Date; expiresAt?: Date; revokedAt?: Date }, rotated = 0): Promise<string> {
  const id = crypto.randomUUID();
  const hash = () => randomBytes(32).toString("hex");
  await query(
    `INSERT INTO "Session" ("id", "userId", "refreshTokenHash", "createdAt", "lastUsedAt", "expiresAt", "revokedAt")
     VALUES ($1, $2, $3, ${utcParameter(4)}, ${utcParameter(5)}, ${utcParameter(6)}, ${utcParameter(7)})`,
    [
      id,
      userId,
      hash(),
      secondsAgo(retention.sessions + refreshTokenTtl + 10 * DAY).toISOString(),
      (times.lastUsedAt ?? new Date()).toISOString(),
      (times.expiresAt ?? secondsAgo(-DAY)).toISOString(),
      times.revokedAt?.toISOString() ?? null,
    ],
  );
  for (let index = 0; index < rotated; index++) {
    await query(`INSERT INTO "RotatedRefreshToken" ("hash", "sessionId", "rotatedAt") VALUES ($1, $2, now())`, [hash(), id]);
  }
  return id;
}

async function addEvent(username: string, createdAt: Date): Promise<void> {
  await query(`INSERT INTO "AuthEvent" ("id", "type", "username", "createdAt") VALUES ($1, 'login_failure', $2, ${utcParameter(3)})`, [
    crypto.randomUUID(),
    username,
    createdAt.toISOString(),
  ]);
}

/** A sign-in step (a pending sign-in) of `userId` that expires at `expiresAt`; returns its id. */
async function addCeremony(userId: string, expiresAt: Date): Promise<string> {
  const [row] = await query<{ id: string }>(
    `INSERT INTO "AuthChallenge" ("id", "tokenHash", "purpose", "userId", "expiresAt") VALUES (gen_random_uuid(), $1, 'second-factor', $2, ${utcParameter(3)}) RETURNING "id"`,
    [crypto.randomUUID(), userId, expiresAt.toISOString()],
  );
  return row!.id;
}

/** An invitation to the seed's organization that expires at `expiresAt`, accepted or not; returns its id. */
async function addInvitation(expiresAt: Date, acceptedAt: Date | null = null): Promise<string> {
  const [row] = await query<{ id: string }>(
    `INSERT INTO "Invitation" ("id", "organizationId", "email", "tokenHash", "expiresAt", "acceptedAt")
     SELECT gen_random_uuid(), "id", $1, $2, ${utcParameter(3)}, ${utcParameter(4)} FROM "Organization" WHERE "slug" = 'menlo-park' RETURNING "id"`,
    [`${crypto.randomUUID()}@example.test`, randomBytes(32).toString("hex"), expiresAt.toISOString(), acceptedAt?.toISOString() ?? null],
  );
  return row!.id;
}

const sessionIds = async (userId: string) =>
  new Set((await query<{ id: string }>(`SELECT "id" FROM "Session" WHERE "userId" = $1`, [userId])).map((row) => row.id));

describe("npm run db:prune", () => {
  let userId: string;
  let username: string;
  const past = (seconds: number) => secondsAgo(seconds + HOUR);
  const recent = (seconds: number) => secondsAgo(seconds - DAY);
  const sessions: Record<string, string> = {};
  let ceremonies: { expired: string; pending: string };
  let invitations: { expired: string; pending: string; accepted: string };

  beforeAll(async () => {
    // Rows this file's prune deletes must be rows the servers' prunes keep.
    expect(servers.sessions).toBeGreaterThan(retention.sessions + 2 * DAY);
    expect(servers.events).toBeGreaterThan(retention.events + 2 * DAY);
    ({ id: userId, username } = await registerUser("retention"));
    Object.assign(sessions, {
      revokedLongAgo: await addSession(userId, { revokedAt: past(retention.sessions) }, 3),
      expiredLongAgo: await addSession(userId, { expiresAt: past(retention.sessions) }),
      idleLongAgo: await addSession(userId, { lastUsedAt: past(retention.sessions + refreshTokenTtl) }),
      revokedRecently: await addSession(userId, { revokedAt: recent(retention.sessions) }, 2),
      expiredRecently: await addSession(userId, { expiresAt: recent(retention.sessions) }),
      idleRecently: await addSession(userId, { lastUsedAt: recent(retention.sessions + refreshTokenTtl) }),
      live: await addSession(userId, {}, 1),
    });
    await addEvent(username, past(retention.events));
    await addEvent(username, recent(retention.events));
    await fillRateLimit(`user:${username}-passed`, 3, past(retention.rateLimitWindow));
    await fillRateLimit(`user:${username}-open`, 3, new Date());
    ceremonies = { expired: await addCeremony(userId, new Date(Date.now() - 1000)), pending: await addCeremony(userId, new Date(Date.now() + 300_000)) };
    invitations = {
      expired: await addInvitation(new Date(Date.now() - 1000)),
      pending: await addInvitation(new Date(Date.now() + DAY * 1000)),
      accepted: await addInvitation(new Date(Date.now() - 1000), new Date(Date.now() - 60_000)),
    };
  });

  it("deletes what ended long enough ago, and keeps live and recently ended sessions", async () => {
    const result = await pruneOnce();
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/Deleted [1-9]\d* ended session\(s\), [1-9]\d* rotated refresh-token hash\(es\), [1-9]\d* auth event\(s\)/);

    const left = await sessionIds(userId);
    for (const gone of ["revokedLongAgo", "expiredLongAgo", "idleLongAgo"]) expect(left.has(sessions[gone]!), gone).toBe(false);
    for (const kept of ["revokedRecently", "expiredRecently", "idleRecently", "live"]) expect(left.has(sessions[kept]!), kept).toBe(true);

    const rotated = await query<{ sessionId: string }>(`SELECT "sessionId" FROM "RotatedRefreshToken" WHERE "sessionId" = ANY($1::uuid[])`, [
      Object.values(sessions),
    ]);
    expect(rotated.map((row) => row.sessionId).sort()).toEqual([sessions.revokedRecently, sessions.revokedRecently, sessions.live].sort());

    const events = await query<{ createdAt: Date }>(`SELECT "createdAt" FROM "AuthEvent" WHERE "username" = $1 AND "type" = 'login_failure'`, [username]);
    expect(events).toHaveLength(1);
    const limits = await query<{ key: string }>(`SELECT "key" FROM "RateLimit" WHERE "key" LIKE $1`, [`user:${username}-%`]);
    expect(limits.map((row) => row.key)).toEqual([`user:${username}-open`]);
    const steps = await query<{ id: string }>(`SELECT "id" FROM "AuthChallenge" WHERE "userId" = $1`, [userId]);
    expect(steps.map((row) => row.id)).toEqual([ceremonies.pending]);
    const kept = await query<{ id: string }>(`SELECT "id" FROM "Invitation" WHERE "id" = ANY($1::uuid[]) ORDER BY "id"`, [Object.values(invitations)]);
    expect(kept.map((row) => row.id)).toEqual([invitations.pending, invitations.accepted].sort());
  }, PRUNE_RUN_MS);

  it("runs twice at the same moment without failing: one prunes, the other prunes nothing or skips", async () => {
    const ended = await addSession(userId, { revokedAt: past(retention.sessions) }, 2);
    const results = await Promise.all([prune(), prune()]);
    for (const result of results) {
      expect(result.status, result.output).toBe(0);
      expect(result.output).toMatch(/Deleted \d+ ended session|Another instance is pruning/);
    }
    // Both skip only when a server starting beside this file held the lock over both; then a third run prunes.
    if (results.every((result) => result.output.includes(SKIPPED))) results.push(await pruneOnce());
    expect(results.some((result) => /Deleted [1-9]\d* ended session/.test(result.output))).toBe(true);
    expect((await sessionIds(userId)).has(ended)).toBe(false);
  }, PRUNE_RUN_MS);
});

describe("the server's own prune", () => {
  it("runs at start-up and logs one JSON line with the counts", async () => {
    const lines = readFileSync(process.env.TESSERA_SERVER_LOG!, "utf8").split("\n").filter((line) => line.includes('"msg":"prune"'));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "info", skipped: false, sessions: expect.any(Number), authEvents: expect.any(Number), rateLimits: expect.any(Number) });
  });

  it("never stops the server when the database is unreachable: it logs prune_failed and keeps serving", async () => {
    const closedPort = await freePort();
    const app = await AppServer.start({
      program: "server",
      databaseUrl: `postgres://nobody@127.0.0.1:${closedPort}/none`,
      env: AppServer.defaultEnv(),
      readyPath: "/",
      readyWithinMs: 60_000,
    });
    try {
      await eventually("a prune_failed line", async () => app.logTail(200).includes('"msg":"prune_failed"'), { withinMs: 20_000 });
      expect((await fetch(`${app.url}/`)).status).toBe(200);
      expect((await fetch(`${app.url}/api/health`)).status).toBe(503);
    } finally {
      await app.terminate();
    }
  }, 90_000);
});
