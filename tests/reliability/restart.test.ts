/**
 * Restarts: sessions live in PostgreSQL and tokens are signed with configured
 * keys, so a restart, or a restart that rotates the signing key, signs nobody
 * out. SIGTERM stops new connections but lets requests in flight finish.
 */
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { previousKeyEntry } from "@/lib/edge/keys";
import { generateKeyEnv } from "@/scripts/keys";
import { httpClient } from "@/tools/http-client";
import { cookieHeader, sessionCookie, type SetCookie } from "@/tools/cookies";
import { ANSWER_WITHIN_MS } from "@/tests/support/unavailable";
import { eventually } from "@/tests/support/eventually";
import { AppServer } from "@/tools/app-server";
import { PostgresServer } from "@/tools/postgres-server";
import { refusesConnections } from "@/tests/support/tcp";

let postgres: PostgresServer;
let app: AppServer;

const firstKey = await generateKeyEnv("ES256");

beforeAll(async () => {
  postgres = await PostgresServer.create();
  app = await AppServer.start({
    databaseUrl: await postgres.createDatabase("tessera"),
    // Long enough that a request held up by a lock below is not cut short by the statement timeout.
    env: { ...AppServer.defaultEnv(), ...firstKey, DB_TIMEOUT_MS: "20000" },
  });
});

afterAll(async () => {
  await app?.terminate();
  postgres?.destroy();
});

function header(cookie: SetCookie | undefined): string {
  if (!cookie) throw new Error("expected a cookie");
  return cookieHeader(cookie);
}

function kidOf(token: string): string {
  return decodeProtectedHeader(token).kid!;
}

describe("a restart", () => {
  it("keeps sessions: the access token and the refresh token still work", async () => {
    const client = httpClient(app.url);
    const user = await client.registerUser("restart");
    const signed = await client.signInFully(user.username, user.password);

    await app.terminate();
    app = await app.restart();

    expect((await client.call("/api/auth/me", { cookie: signed.access })).status).toBe(200);
    expect((await client.call("/dashboard", { cookie: signed.access })).status).toBe(200);
    expect((await client.call("/api/auth/refresh", { method: "POST", cookie: signed.refresh })).status).toBe(200);
  });

  it("with a rotated signing key keeps sessions: old tokens verify by the previous key, new ones use the new key", async () => {
    const client = httpClient(app.url);
    const user = await client.registerUser("rotation");
    const signed = await client.signInFully(user.username, user.password);

    const secondKey = await generateKeyEnv("ES256");
    const previous = await previousKeyEntry(parseConfig(firstKey).jwt);
    await app.terminate();
    app = await app.restart({ ...secondKey, JWT_PREVIOUS_KEYS: JSON.stringify([previous]) });

    expect((await client.call("/api/auth/me", { cookie: signed.access })).status).toBe(200);
    const refreshed = await client.call("/api/auth/refresh", { method: "POST", cookie: signed.refresh });
    expect(refreshed.status).toBe(200);
    expect(kidOf(sessionCookie(refreshed)!.value)).not.toBe(kidOf(signed.token));
    expect((await client.call("/api/auth/me", { cookie: header(sessionCookie(refreshed)) })).status).toBe(200);
  });
});

describe("SIGTERM", () => {
  it("stops taking connections and lets the requests in flight finish", async () => {
    const client = httpClient(app.url);
    const user = await client.registerUser("drain");
    const sessions = await Promise.all(Array.from({ length: 5 }, () => client.signInFully(user.username, user.password)));

    // Hold the requests in flight: each refresh runs a transaction of its own, on its
    // own connection, and waits for a lock on the sessions that only this test releases.
    const holder = await postgres.connect("tessera");
    await holder.query(`BEGIN; LOCK TABLE "Session" IN ACCESS EXCLUSIVE MODE`);
    const inFlight = sessions.map((signed) => client.call("/api/auth/refresh", { method: "POST", cookie: signed.refresh, timeoutMs: 60_000 }));
    await eventually("five refreshes wait for the lock", async () => {
      // From another connection: inside its transaction the holder sees a frozen pg_stat_activity.
      const [{ waiting }] = await postgres.sql("tessera", async (db) => {
        return (await db.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock'`)).rows;
      });
      return waiting === 5;
    });

    const exited = app.terminate();
    await eventually("the server stops accepting connections", () => refusesConnections(app.port), { withinMs: ANSWER_WITHIN_MS });
    await holder.query("COMMIT");
    await holder.end();

    const statuses = await Promise.all(inFlight.map(async (request) => (await request).status));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    await exited;
    app = await app.restart();
  });
});
