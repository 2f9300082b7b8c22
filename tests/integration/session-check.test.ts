/**
 * The data-access layer's check of a session (lib/auth/sessions/list.ts
 * `liveSessionUser`), run against the test server's database through a client
 * that counts the SQL statements Prisma sends: every signed-in request pays
 * for it, so it must be one statement, and it must refuse whatever the one
 * liveness rule (lib/auth/sessions/lifetime.ts) calls ended.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/db/generated/client";
import { parseConfig } from "@/lib/config";
import { liveSessionUser } from "@/lib/auth/sessions/list";
import { bearerToken, call, signInFully } from "@/tools/http-client";
import { decodeClaims } from "../support/tokens";
import { databaseUrl, secondsAgo, setSessionTimes, throwawayAccounts } from "../support/database";

const { refreshTokenTtl } = parseConfig(process.env);
const registerUser = throwawayAccounts();

const statements: string[] = [];
const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl() }), log: [{ emit: "event", level: "query" }] });
client.$on("query", (event) => statements.push(event.query));
afterAll(() => client.$disconnect());

/** What the check answers for this session and user, and how many SQL statements it took. */
async function check(session: { id: string; userId: string }, horizon?: Date) {
  statements.length = 0;
  const live = await liveSessionUser(session, { client, horizon });
  return { username: live?.user.username ?? null, statements: statements.length, liveAtHorizon: live?.liveAtHorizon ?? false };
}

async function signedInUser() {
  const { username, password } = await registerUser("checked");
  const signed = await signInFully(username, password);
  return { username, password, signed, session: { id: decodeClaims(signed.token).sid as string, userId: signed.userId } };
}

describe("the session check", () => {
  it("finds a live session's user, fresh from the database, in one SQL statement", async () => {
    const { username, session } = await signedInUser();
    expect(await check(session)).toEqual({ username, statements: 1, liveAtHorizon: false });
    expect(statements[0]).toMatch(/"User"/);
    expect(statements[0]).toMatch(/"Session"/);
  });

  it("refuses a signed-out session, in one statement", async () => {
    const { signed, session } = await signedInUser();
    expect((await call("/api/auth/logout", { method: "POST", cookie: signed.access })).status).toBe(204);
    expect(await check(session)).toEqual({ username: null, statements: 1, liveAtHorizon: false });
  });

  it("refuses a session presented with another user's id", async () => {
    const mine = await signedInUser();
    const other = await signedInUser();
    expect((await check({ id: mine.session.id, userId: other.session.userId })).username).toBeNull();
  });

  it("refuses a session past its absolute end, and a cookie session idle longer than the refresh token lives", async () => {
    const expired = await signedInUser();
    await setSessionTimes(expired.session.id, { expiresAt: secondsAgo(1) });
    expect((await check(expired.session)).username).toBeNull();

    const idle = await signedInUser();
    await setSessionTimes(idle.session.id, { lastUsedAt: secondsAgo(refreshTokenTtl + 1) });
    expect((await check(idle.session)).username).toBeNull();
  });

  it("keeps a Bearer session live however long ago it was used, until its token's expiry", async () => {
    const { username, password } = await registerUser("bearer");
    const { token } = await bearerToken(username, password);
    const session = { id: decodeClaims(token).sid as string, userId: decodeClaims(token).sub as string };
    await setSessionTimes(session.id, { lastUsedAt: secondsAgo(refreshTokenTtl + 1) });
    expect(await check(session)).toEqual({ username, statements: 1, liveAtHorizon: false });
  });

  it("says, in the same statement, whether the session will still be live at a later moment (how long the session cache may keep it)", async () => {
    const { username, session } = await signedInUser();
    const inAMinute = new Date(Date.now() + 60_000);
    expect(await check(session, inAMinute)).toEqual({ username, statements: 1, liveAtHorizon: true });

    await setSessionTimes(session.id, { expiresAt: new Date(Date.now() + 30_000) });
    expect(await check(session, inAMinute)).toEqual({ username, statements: 1, liveAtHorizon: false });

    const idle = await signedInUser();
    await setSessionTimes(idle.session.id, { lastUsedAt: secondsAgo(refreshTokenTtl - 30) });
    expect(await check(idle.session, inAMinute)).toEqual({ username: idle.username, statements: 1, liveAtHorizon: false });
  });
});
