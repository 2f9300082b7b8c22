/**
 * The data-access layer's check of a session (lib/auth/sessions/list.ts
 * `liveSessionUser`), run against the test server's database through a pool
 * that counts the SQL statements sent: every signed-in request pays for it,
 * so it must be one statement, with the membership of the organization the
 * token claims in that same statement, and it must refuse whatever the one
 * liveness rule (lib/auth/sessions/lifetime.ts) calls ended. It is sent as a
 * prepared statement (lib/db/sql.ts); a database that refuses the name, as a
 * transaction pooler without prepared statements does, still gets its answer.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { liveSessionUser } from "@/lib/auth/sessions/list";
import { Sql } from "@/lib/db/sql";
import { bearerToken, call, registerSignedIn } from "@/tools/http-client";
import { decodeClaims } from "../support/tokens";
import { databaseUrl, query, secondsAgo, setSessionTimes, throwawayAccounts } from "../support/database";

const { refreshTokenTtl } = parseConfig(process.env);
const registerUser = throwawayAccounts();
const signedInAccount = throwawayAccounts(registerSignedIn);

const statements: string[] = [];
const pools: pg.Pool[] = [];
const organizations: string[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  if (organizations.length) await query(`DELETE FROM "Organization" WHERE "id" = ANY($1::uuid[])`, [organizations]);
});

/** A pool of one connection (what a test does to it meets the check's next statement) that counts the statements sent. */
function countingPool() {
  const pool = new pg.Pool({ connectionString: databaseUrl(), max: 1 });
  pools.push(pool);
  const counted = {
    query(config: pg.QueryConfig) {
      statements.push(config.text);
      return pool.query(config);
    },
  };
  return { pool, counted };
}

const shared = countingPool();

/** What the check answers for this session and user, and how many SQL statements it took. */
async function check(session: { id: string; userId: string }, horizon?: Date, client = new Sql(shared.counted)) {
  statements.length = 0;
  const live = await liveSessionUser(session, { client, horizon });
  return { username: live?.user.username ?? null, statements: statements.length, liveAtHorizon: live?.liveAtHorizon ?? false };
}

async function signedInUser() {
  const signed = await signedInAccount("checked");
  const { username, password } = signed;
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

  it("reads the membership of the organization the token claims in the same statement, and trusts only the database's", async () => {
    const { username, signed, session } = await signedInUser();
    const created = await call("/api/orgs", { json: { name: "Checked", slug: `checked-${crypto.randomUUID().slice(0, 8)}` }, cookie: signed.access });
    expect(created.status).toBe(201);
    const { id: orgId, slug } = (await created.json()).data;
    organizations.push(orgId);
    await query(`UPDATE "Session" SET "activeOrgId" = $2 WHERE "id" = $1`, [session.id, orgId]);
    const asked = async (orgClaim: string | null) => {
      statements.length = 0;
      const live = await liveSessionUser(session, { client: new Sql(shared.counted), orgClaim });
      return { username: live?.user.username ?? null, org: live?.org ?? null, statements: statements.length };
    };
    expect(await asked(orgId)).toEqual({ username, org: { id: orgId, slug, name: "Checked", role: "OWNER" }, statements: 1 });
    // A token that claims none, or another organization, works in none, whatever the session's row says.
    expect(await asked(null)).toEqual({ username, org: null, statements: 1 });
    expect(await asked(crypto.randomUUID())).toEqual({ username, org: null, statements: 1 });
    // A membership that ended takes the organization with it, and only it.
    await query(`DELETE FROM "Membership" WHERE "organizationId" = $1`, [orgId]);
    expect(await asked(orgId)).toEqual({ username, org: null, statements: 1 });
  });

  it("answers when the database refuses its prepared statement, and sends it unprepared from then on", async () => {
    const { username, session } = await signedInUser();
    const refusals: string[] = [];
    // The statement is prepared on the connection; then the server forgets it behind the driver's back,
    // as a transaction pooler does when it hands the next statement to another server connection.
    const forgetting = countingPool();
    const forgotten = new Sql(forgetting.counted, (error) => refusals.push(error.message));
    expect((await check(session, undefined, forgotten)).username).toBe(username);
    await forgetting.pool.query("DEALLOCATE ALL");
    expect(await check(session, undefined, forgotten)).toEqual({ username, statements: 2, liveAtHorizon: false });
    expect(refusals).toEqual([expect.stringMatching(/does not exist/)]);
    expect(forgotten.prepared).toBe(false);
    expect(await check(session, undefined, forgotten)).toEqual({ username, statements: 1, liveAtHorizon: false });

    // The other way round: the server connection has a statement of that name already when the driver prepares it.
    const occupied = countingPool();
    await occupied.pool.query("PREPARE tessera_session_user AS SELECT 1");
    const taken = new Sql(occupied.counted, (error) => refusals.push(error.message));
    expect(await check(session, undefined, taken)).toEqual({ username, statements: 2, liveAtHorizon: false });
    expect(refusals[1]).toMatch(/already exists/);
    expect(taken.prepared).toBe(false);
  });
});
