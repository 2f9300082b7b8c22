/**
 * Serverless hosts run many small instances, each with a pool of its own, so
 * Tessera is deployed there with DATABASE_POOL_MAX=1. An instance then holds one
 * connection, and a burst of sign-ins on it waits its turn for that connection
 * instead of failing. An app server of this test's own, on the test run's
 * database, tags its connections with an application_name so that PostgreSQL
 * can count them.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppServer } from "@/tools/app-server";
import { databaseUrl, throwawayAccounts } from "@/tests/support/database";
import { sessionCookie } from "@/tools/cookies";
import { httpClient } from "@/tools/http-client";

const APPLICATION_NAME = `tessera-pool-${randomBytes(4).toString("hex")}`;
const USERS = 5;
// Below the per-username limit of 5: a check in flight holds one of its slots until it passes.
const SIGN_INS_PER_USER = 4;

let app: AppServer | undefined;

beforeAll(async () => {
  const url = new URL(databaseUrl());
  url.searchParams.set("application_name", APPLICATION_NAME);
  app = await AppServer.start({
    program: "server",
    name: "pool-of-one",
    databaseUrl: url.toString(),
    env: { ...AppServer.defaultEnv(), DATABASE_POOL_MAX: "1" },
    readyWithinMs: 30_000,
  });
}, 60_000);

afterAll(() => app?.terminate());

/** Counts the app's connections every few milliseconds until stopped; resolves with the most seen at once. */
async function watchConnections(): Promise<() => Promise<number>> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  let most = 0;
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const { rows } = await client.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM pg_stat_activity WHERE application_name = $1",
        [APPLICATION_NAME],
      );
      most = Math.max(most, rows[0]!.count);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  return async () => {
    watching = false;
    await loop;
    await client.end();
    return most;
  };
}

describe("an instance with DATABASE_POOL_MAX=1", () => {
  it("signs in 20 clients at once on one connection: every one succeeds, none is refused for want of a connection", async () => {
    const client = httpClient(app!.url);
    const register = throwawayAccounts(client.registerUser);
    // The accounts one after another: the burst under test is the sign-ins.
    const users: Awaited<ReturnType<typeof register>>[] = [];
    for (let index = 0; index < USERS; index++) users.push(await register("pool"));

    const stopWatching = await watchConnections();
    // Each call comes from an address of its own (X-Forwarded-For), so the per-address limit plays no part.
    const signIns = await Promise.all(
      users.flatMap((user) =>
        Array.from({ length: SIGN_INS_PER_USER }, () => client.call("/api/auth/login", { json: { username: user.username, password: user.password } })),
      ),
    );
    const mostConnections = await stopWatching();

    expect(signIns.map((response) => response.status)).toEqual(Array(USERS * SIGN_INS_PER_USER).fill(200));
    expect(mostConnections).toBe(1);

    const cookies = signIns.map((response) => {
      const cookie = sessionCookie(response);
      if (!cookie) throw new Error("a sign-in set no session cookie");
      return `${cookie.name}=${cookie.value}`;
    });
    const sessions = await Promise.all(cookies.map((cookie) => client.call("/api/auth/me", { cookie })));
    expect(sessions.map((response) => response.status)).toEqual(Array(cookies.length).fill(200));
    expect(readFileSync(app!.logFile, "utf8")).not.toContain('"level":"error"');
  });
});
