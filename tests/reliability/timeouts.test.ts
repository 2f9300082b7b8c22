/**
 * A slow database: every database call is bounded by DB_TIMEOUT_MS (statement
 * timeout on the server, query and connect timeouts in the driver), so
 * requests fail fast with 503 instead of piling up, and the app is itself
 * again as soon as the database is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient, uniqueName, type Signed } from "@/tools/http-client";
import { ANSWER_WITHIN_MS, expectServiceUnavailable } from "@/tests/support/unavailable";
import { eventually } from "@/tests/support/eventually";
import { AppServer } from "@/tools/app-server";
import { PostgresServer } from "@/tools/postgres-server";

const DB_TIMEOUT_MS = 1000;
/** Many more requests than the app's pool has connections (DATABASE_POOL_MAX, 10 by default). */
const REQUESTS = 40;

let postgres: PostgresServer;
let app: AppServer;
let client: ReturnType<typeof httpClient>;
let signed: Signed;
let databaseUrl: string;

beforeAll(async () => {
  postgres = await PostgresServer.create();
  databaseUrl = await postgres.createDatabase("tessera");
  app = await AppServer.start({
    databaseUrl,
    // Every signed-in read must reach the database here: with the session cache on, one
    // already checked would be answered from memory (for up to 1.5 s after a freeze, until
    // its beats stop coming back). tests/instances/session-cache.test.ts covers the cache.
    env: { ...AppServer.defaultEnv(), DB_TIMEOUT_MS: String(DB_TIMEOUT_MS), SESSION_CACHE: "off" },
  });
  client = httpClient(app.url);
  const user = await client.registerUser("slow");
  signed = await client.signInFully(user.username, user.password);
});

afterAll(async () => {
  await app?.terminate();
  postgres?.destroy();
});

/**
 * Sends REQUESTS requests at once: signed-in reads, and every fourth a
 * registration (a transaction writing a user, a session and an event). Returns
 * their responses, with what each should answer once the database is well.
 */
async function burst(): Promise<{ responses: { response: Response; healthy: number }[]; slowestMs: number }> {
  let slowestMs = 0;
  const responses = await Promise.all(
    Array.from({ length: REQUESTS }, async (_, i) => {
      const started = performance.now();
      const register = i % 4 === 0;
      const response = register
        ? await client.call("/api/auth/register", { json: { username: uniqueName("burst"), password: "a-good-long-password", name: "Burst" }, timeoutMs: ANSWER_WITHIN_MS })
        : await client.call("/api/auth/me", { cookie: signed.access, timeoutMs: ANSWER_WITHIN_MS });
      await response.clone().arrayBuffer();
      slowestMs = Math.max(slowestMs, performance.now() - started);
      return { response, healthy: register ? 201 : 200 };
    }),
  );
  return { responses, slowestMs: Math.round(slowestMs) };
}

async function expectRecovered(): Promise<void> {
  await eventually("signed-in requests answer 200 again", async () => {
    return (await client.call("/api/auth/me", { cookie: signed.access, timeoutMs: ANSWER_WITHIN_MS })).status === 200;
  });
  const { responses } = await burst();
  expect(responses.map(({ response }) => response.status)).toEqual(responses.map(({ healthy }) => healthy));
}

describe(`with DB_TIMEOUT_MS=${DB_TIMEOUT_MS}`, () => {
  it("a query stuck behind a lock is cut off: 503s for a burst, none piles up", async () => {
    const holder = await postgres.connect("tessera");
    await holder.query(`BEGIN; LOCK TABLE "Session" IN ACCESS EXCLUSIVE MODE`);
    const { responses, slowestMs } = await burst();
    await holder.query("ROLLBACK");
    await holder.end();
    console.log(`Locked table: ${REQUESTS} parallel requests, all answered within ${slowestMs} ms.`);
    for (const { response } of responses) await expectServiceUnavailable(response);
    // Nothing was left queued behind the lock: the next burst is served at once.
    await expectRecovered();
  });

  it("a database that stops answering (SIGSTOP) is given up on: 503s, then recovery when it resumes", async () => {
    postgres.freeze();
    let burstResult: Awaited<ReturnType<typeof burst>>;
    try {
      burstResult = await burst();
    } finally {
      postgres.thaw();
    }
    console.log(`Frozen database: ${REQUESTS} parallel requests, all answered within ${burstResult.slowestMs} ms.`);
    for (const { response } of burstResult.responses) await expectServiceUnavailable(response);
    await expectRecovered();
  });

  it("with the session cache on, a frozen database stops the cache from answering once its beats stop coming back", async () => {
    const cachedApp = await AppServer.start({ databaseUrl, name: "cache-on", env: { ...AppServer.defaultEnv(), DB_TIMEOUT_MS: String(DB_TIMEOUT_MS) } });
    try {
      const cachedClient = httpClient(cachedApp.url);
      const user = await cachedClient.registerUser("frozen");
      const session = await cachedClient.signInFully(user.username, user.password);
      const me = () => cachedClient.call("/api/auth/me", { cookie: session.access, timeoutMs: ANSWER_WITHIN_MS });
      // First make sure the session is answered from memory: served while the users table is locked.
      const holder = await postgres.connect("tessera");
      try {
        await eventually("the session cache answers", async () => {
          expect((await me()).status).toBe(200);
          await holder.query(`BEGIN; LOCK TABLE "User" IN ACCESS EXCLUSIVE MODE`);
          const status = (await me()).status;
          await holder.query("ROLLBACK");
          return status === 200;
        }, { withinMs: 20_000 });
      } finally {
        await holder.end();
      }

      postgres.freeze();
      let waitedMs: number;
      try {
        // The listening connection hangs with the server: no beat comes back, and after the trust window every read goes to the frozen database.
        waitedMs = await eventually("signed-in reads reach the frozen database", async () => (await me()).status === 503, { withinMs: 10_000, everyMs: 50 });
      } finally {
        postgres.thaw();
      }
      console.log(`Frozen database: the session cache stopped answering within ${waitedMs} ms.`);
      await eventually("signed-in reads answer 200 again", async () => (await me()).status === 200);
    } finally {
      await cachedApp.terminate();
    }
  });
});
