/**
 * Dodging the per-IP sign-in limit by rotating X-Forwarded-For
 * (docs/security.md#client-address). The test server trusts that header
 * (TRUST_PROXY=1, as behind a proxy that sets it); a second `npm start` on the
 * same database, without TRUST_PROXY and with RATE_LIMIT_PER_IP=3, must count
 * every attempt against the connection's own address, whatever the client
 * writes in the header.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "@/tools/app-server";
import { BASE_URL, call, loopbackAddress, randomClientIp, registerUser, uniqueName } from "@/tools/http-client";
import { SESSION_COOKIE, cookieHeader, parseSetCookies, sessionCookie } from "@/tools/cookies";
import { fillRateLimit } from "../support/database";
import { startSecondServer } from "../support/second-server";

const PER_IP = 3;
let untrusting: AppServer;

beforeAll(async () => {
  untrusting = await startSecondServer({ TRUST_PROXY: "0", RATE_LIMIT_PER_IP: String(PER_IP) }, { program: "npm start" });
}, 120_000);
afterAll(() => untrusting?.terminate());

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request whose connection comes from `localAddress`: the address the server sees on the socket. */
function send(baseUrl: string, path: string, localAddress: string, options: { json?: unknown; headers?: Record<string, string> }): Promise<Reply> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method: body === undefined ? "GET" : "POST",
        localAddress,
        agent: false,
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Failed sign-ins for a new username each time (so only the per-IP limit can refuse), each with a new X-Forwarded-For. */
async function rotatingAttempts(baseUrl: string, from: string, count: number): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let attempt = 0; attempt < count; attempt++) {
    const json = { username: uniqueName("rotator"), password: "not-the-password" };
    replies.push(await send(baseUrl, "/api/auth/login", from, { json, headers: { "x-forwarded-for": randomClientIp() } }));
  }
  return replies;
}

function sessionCookieOf(reply: Reply): string {
  const cookie = parseSetCookies([reply.headers["set-cookie"] ?? []].flat()).find(({ name }) => name === SESSION_COOKIE);
  if (!cookie) throw new Error(`no session cookie: ${reply.status} ${reply.body}`);
  return cookieHeader(cookie);
}

/** The address the server recorded for the session it just opened. */
async function recordedAddress(baseUrl: string, from: string, cookie: string): Promise<string | null> {
  const reply = await send(baseUrl, "/api/auth/sessions", from, { headers: { cookie } });
  const { sessions } = JSON.parse(reply.body).data as { sessions: { current: boolean; ip: string | null }[] };
  return sessions.find((session) => session.current)!.ip;
}

describe("npm start without TRUST_PROXY", () => {
  it("refuses sign-ins past RATE_LIMIT_PER_IP however X-Forwarded-For rotates", async () => {
    const from = loopbackAddress();
    const replies = await rotatingAttempts(untrusting.url, from, PER_IP + 2);
    expect(replies.map((reply) => reply.status)).toEqual([...Array(PER_IP).fill(401), 429, 429]);
    expect(JSON.parse(replies[PER_IP]!.body)).toMatchObject({ error: "rate_limited", data: null });
    expect(Number(replies[PER_IP]!.headers["retry-after"])).toBeGreaterThan(0);
    // The limit is the connection's address, not everyone's.
    const other = await send(untrusting.url, "/api/auth/login", loopbackAddress(), { json: { username: "niko", password: "123niko" } });
    expect(other.status).toBe(200);
  });

  it("records the socket's address for a session, not the header's", async () => {
    const { username, password } = await registerUser("socket-ip");
    const from = loopbackAddress();
    const headers = { "x-forwarded-for": randomClientIp(), "x-real-ip": randomClientIp() };
    const login = await send(untrusting.url, "/api/auth/login", from, { json: { username, password }, headers });
    expect(login.status).toBe(200);
    expect(await recordedAddress(untrusting.url, from, sessionCookieOf(login))).toBe(from);
  });
});

/** Uses up an address's sign-in attempts for the current window, straight in the database. */
async function exhaust(address: string): Promise<void> {
  await fillRateLimit(`ip:${address}`, 1_000_000);
}

describe("the test server, with TRUST_PROXY=1 (behind a proxy that sets X-Forwarded-For)", () => {
  it("counts each attempt against the address in X-Forwarded-For, as documented", async () => {
    const from = loopbackAddress();
    await exhaust(from);
    // Control: the connection's own address is used up, so a server that looks at the socket refuses it.
    expect((await rotatingAttempts(untrusting.url, from, 1))[0]!.status).toBe(429);
    const replies = await rotatingAttempts(BASE_URL, from, PER_IP + 2);
    expect(replies.map((reply) => reply.status)).toEqual(Array(PER_IP + 2).fill(401));
  });

  it("records the header's address for a session", async () => {
    const { username, password } = await registerUser("proxied-ip");
    const forwarded = randomClientIp();
    const login = await call("/api/auth/login", { json: { username, password }, headers: { "x-forwarded-for": forwarded } });
    expect(login.status).toBe(200);
    const { name, value } = sessionCookie(login)!;
    const { sessions } = (await (await call("/api/auth/sessions", { cookie: `${name}=${value}` })).json()).data;
    expect(sessions.find((session: { current: boolean }) => session.current).ip).toBe(forwarded);
  });
});
