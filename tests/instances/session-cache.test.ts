/**
 * The session cache seen from outside (lib/auth/sessions/cache.ts): app
 * instances on one database, the test server and two more, one with the cache
 * and one without, which reach the database through a relay that can hold
 * their traffic. A signed-in request answered from the cache needs no query —
 * it is served while nothing gets through to the database — and a session
 * ended on one instance is refused by another as soon as PostgreSQL's notice
 * arrives; with the notices cut off every request goes to the database
 * again. The same holds for a session's organization: a demoted or removed
 * member loses the role, then the organization, on the other instance at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENER_APPLICATION_NAME } from "@/lib/auth/sessions/notices";
import type { AppServer } from "@/tools/app-server";
import { databaseUrl, query, throwawayAccounts } from "../support/database";
import { eventually } from "../support/eventually";
import { cookieHeader, sessionCookie } from "@/tools/cookies";
import { BASE_URL, httpClient } from "@/tools/http-client";
import { startSecondServer } from "../support/second-server";
import { startRelay, type Relay } from "../support/tcp";

const registerUser = throwawayAccounts();
const here = httpClient(BASE_URL);
/** A fresh account, signed in on this instance by registering. */
const signedIn = throwawayAccounts(here.registerSignedIn);
const organizations: string[] = [];
let relay: Relay;
let cached: AppServer;
let uncached: AppServer;

beforeAll(async () => {
  const database = new URL(databaseUrl());
  // PostgreSQL's default port when the URL names none; an IPv6 host without its brackets.
  relay = await startRelay({ host: database.hostname.replace(/^\[|\]$/g, ""), port: Number(database.port || 5432) });
  const relayed = new URL(database);
  relayed.host = `127.0.0.1:${relay.port}`;
  // A short database timeout, so that a request held up at the relay answers 503 within a second.
  [cached, uncached] = await Promise.all([
    startSecondServer({ DB_TIMEOUT_MS: "1000" }, { name: "cache-on", databaseUrl: relayed.toString() }),
    startSecondServer({ DB_TIMEOUT_MS: "1000", SESSION_CACHE: "off" }, { name: "cache-off", databaseUrl: relayed.toString() }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([cached?.terminate(), uncached?.terminate()]);
  await relay?.close();
  await query(`DELETE FROM "Organization" WHERE "id" = ANY($1::uuid[])`, [organizations]);
});

/** `GET /api/auth/me` on `server` while the relay lets nothing through to the database, which a session check not answered from the cache would wait for. */
async function meWithoutDatabase(server: AppServer, access: string): Promise<number> {
  relay.hold();
  try {
    return (await httpClient(server.url).call("/api/auth/me", { cookie: access, timeoutMs: 10_000 })).status;
  } finally {
    relay.release();
  }
}

/**
 * Until the cache-on instance answers for this session without the database: it was let in
 * once, and is let in again while the relay holds its traffic. The listener may still be
 * connecting when a test starts; until it is, nothing is cached and the held request waits.
 */
async function untilCached(access: string): Promise<void> {
  const client = httpClient(cached.url);
  await eventually("the session cache answers", async () => {
    expect((await client.call("/api/auth/me", { cookie: access })).status).toBe(200);
    return (await meWithoutDatabase(cached, access)) === 200;
  }, { withinMs: 10_000 });
}

describe("the session cache", () => {
  it("answers a signed-in request it has seen before without asking the database", async () => {
    const signed = await signedIn("cached");
    await untilCached(signed.access);
  });

  it("is not there with SESSION_CACHE=off: the same request waits for the database and gets 503", async () => {
    const signed = await signedIn("uncached");
    expect((await httpClient(uncached.url).call("/api/auth/me", { cookie: signed.access })).status).toBe(200);
    expect(await meWithoutDatabase(uncached, signed.access)).toBe(503);
  });

  it("refuses, on the other instance, a session ended on this one", async () => {
    const signed = await signedIn("ended-elsewhere");
    const client = httpClient(cached.url);
    await untilCached(signed.access);
    expect((await here.call("/api/auth/logout", { method: "POST", cookie: signed.access })).status).toBe(204);
    await eventually("the second instance refuses the ended session", async () => (await client.call("/api/auth/me", { cookie: signed.access })).status === 401, {
      withinMs: 5_000,
      everyMs: 5,
    });
  });

  it("gives a demoted admin's new role on the other instance, and refuses a deleted user there", async () => {
    const { username, password, id } = await registerUser("promoted");
    await query(`UPDATE "User" SET "role" = 'ADMIN' WHERE "id" = $1`, [id]);
    const signed = await here.signInFully(username, password);
    const client = httpClient(cached.url);
    const role = async () => (await (await client.call("/api/auth/me", { cookie: signed.access })).json()).data?.user?.role;
    await untilCached(signed.access);
    expect(await role()).toBe("ADMIN");

    await query(`UPDATE "User" SET "role" = 'USER' WHERE "id" = $1`, [id]);
    await eventually("the new role is read", async () => (await role()) === "USER", { withinMs: 5_000, everyMs: 5 });

    await query(`DELETE FROM "User" WHERE "id" = $1`, [id]);
    await eventually("the deleted user is refused", async () => (await client.call("/api/auth/me", { cookie: signed.access })).status === 401, {
      withinMs: 5_000,
      everyMs: 5,
    });
  });

  it("goes to the database for every request while the listening connection is down", async () => {
    const signed = await signedIn("listener-down");
    await untilCached(signed.access);
    // Cut the listening connections of the instances behind the relay; each reconnects about a second later, with an empty cache.
    await query(`SELECT pg_terminate_backend("pid", 5000) FROM pg_stat_activity WHERE "application_name" = $1 AND "client_port" = ANY($2::int[])`, [
      LISTENER_APPLICATION_NAME,
      relay.upstreamPorts(),
    ]);
    await eventually("the request waits for the database again", async () => (await meWithoutDatabase(cached, signed.access)) === 503, { withinMs: 5_000 });
  });
});

describe("the session cache and organizations", () => {
  it("loses a demoted member's role and then a removed member's organization at once on the other instance, whose cache held them", async () => {
    const owner = await signedIn("org-owner");
    const admin = await signedIn("org-admin");
    const created = await here.call("/api/orgs", { json: { name: "Alpha", slug: `alpha-${crypto.randomUUID().slice(0, 8)}` }, cookie: owner.access });
    expect(created.status).toBe(201);
    const orgId: string = (await created.json()).data.id;
    organizations.push(orgId);
    await query(`INSERT INTO "Membership" ("id", "organizationId", "userId", "role") VALUES (gen_random_uuid(), $1, $2, 'ADMIN')`, [orgId, admin.userId]);
    const switched = await here.call("/api/auth/org", { method: "PUT", json: { orgId }, cookie: admin.access });
    expect(switched.status).toBe(200);
    const cookie = cookieHeader(sessionCookie(switched)!);

    const there = httpClient(cached.url);
    const organization = async () => (await (await there.call("/api/auth/me", { cookie })).json()).data?.organization;
    // Until the other instance answers for this session without asking the database (its cache is on once its notices flow).
    await eventually("the other instance's cache answers", async () => (await organization())?.role === "ADMIN" && (await meWithoutDatabase(cached, cookie)) === 200, {
      withinMs: 15_000,
    });

    expect((await here.call(`/api/orgs/${orgId}/members/${admin.userId}`, { method: "PATCH", json: { role: "MEMBER" }, cookie: owner.access })).status).toBe(200);
    await eventually("the demotion is seen there", async () => (await organization())?.role === "MEMBER", { withinMs: 5_000, everyMs: 5 });
    expect((await there.call(`/api/orgs/${orgId}/invitations`, { cookie })).status).toBe(403);

    expect((await here.call(`/api/orgs/${orgId}/members/${admin.userId}`, { method: "DELETE", cookie: owner.access })).status).toBe(204);
    await eventually("the removal is seen there", async () => (await organization()) === null, { withinMs: 5_000, everyMs: 5 });
    expect((await there.call(`/api/orgs/${orgId}`, { cookie })).status).toBe(404);
    expect((await there.call("/api/posts", { cookie }).then((response) => response.json())).data.posts).toEqual([]);
    const events = await query<{ type: string }>(
      `SELECT "type" FROM "AuthEvent" WHERE "organizationId" = $1 AND "userId" = $2 AND "type" IN ('org_switched', 'member_role_changed', 'member_removed') ORDER BY "createdAt"`,
      [orgId, admin.userId],
    );
    expect(events.map((event) => event.type)).toEqual(["org_switched", "member_role_changed", "member_removed"]);
  }, 60_000);
});
