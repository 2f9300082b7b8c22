import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { call, registerSignedIn, registerUser, uniqueName } from "@/tools/http-client";
import { statusesTenAtATime } from "../support/attempts";
import { query } from "../support/database";

const login = (username: string, password: string, ip?: string) =>
  call("/api/auth/login", { json: { username, password }, ...(ip ? { headers: { "x-forwarded-for": ip } } : {}) });

describe("sign-in rate limits", () => {
  it("refuses the 6th attempt after 5 failures for a username, even with the right password, with Retry-After", async () => {
    const { username, password } = await registerUser("limited");
    for (let attempt = 1; attempt <= 5; attempt++) expect((await login(username, "wrong-password")).status).toBe(401);
    const refused = await login(username, password);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: "rate_limited", data: null });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The same limit guards the token endpoint and the seeds' authenticate route, in any letter case.
    expect((await call("/api/auth/token", { json: { username: username.toUpperCase(), password } })).status).toBe(429);
    expect((await call("/api/users/authenticate", { json: { uid: username, password } })).status).toBe(429);
    // Three refusals in one window are one rate_limited event for the admin, not one database write each.
    const events = await query(`SELECT "id" FROM "AuthEvent" WHERE lower("username") = lower($1) AND "type" = 'rate_limited'`, [username]);
    expect(events).toHaveLength(1);
  });

  it("resets a username's failures on a successful sign-in", async () => {
    const { perUsername } = parseConfig(process.env).rateLimits;
    const { username, password } = await registerUser("resets");
    // One failure before the sign-in and one short of the limit after it: kept, they would lock the username.
    expect((await login(username, "wrong-password")).status).toBe(401);
    expect((await login(username, password)).status).toBe(200);
    for (let attempt = 1; attempt < perUsername; attempt++) expect((await login(username, "wrong-password")).status).toBe(401);
    expect((await login(username, password)).status).toBe(200);
  });

  it("does not count a taken username on registration as a failure", async () => {
    const { username, password } = await registerUser("taken");
    for (let attempt = 1; attempt <= 6; attempt++) {
      expect((await call("/api/auth/register", { json: { username, password, name: "Again" } })).status).toBe(409);
    }
    expect((await login(username, password)).status).toBe(200);
  });

  it("limits one client address to RATE_LIMIT_PER_IP attempts across usernames", async () => {
    const { perUsername, perIp } = parseConfig(process.env).rateLimits;
    const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    // All but one attempt aim at one username: after its RATE_LIMIT_PER_USERNAME failures it is
    // locked, so the rest are refused without a bcrypt compare, and each still counts against the address.
    const target = uniqueName("ip-target");
    const statuses = await statusesTenAtATime(perIp - 1, () => login(target, "whatever-password", ip));
    expect(statuses.filter((status) => status === 401)).toHaveLength(perUsername);
    expect(statuses.filter((status) => status === 429)).toHaveLength(perIp - 1 - perUsername);
    // The address's last attempt, at another username, is still checked; the one after it is not.
    expect((await login(uniqueName("nobody"), "whatever-password", ip)).status).toBe(401);
    const refused = await login(uniqueName("nobody"), "whatever-password", ip);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: "rate_limited", data: null });
    // Another address is not affected.
    expect((await login("niko", "123niko")).status).toBe(200);
  });
});

describe("cross-origin requests", () => {
  it("refuses a cookie-carrying write from a foreign origin (CSRF)", async () => {
    const cookie = (await registerSignedIn("csrf-target")).access;
    const response = await call("/api/posts", { cookie, json: { note: "csrf" }, headers: { origin: "https://evil.example" } });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toBe("forbidden");
    const logout = await call("/api/auth/logout", { method: "POST", cookie, headers: { origin: "https://evil.example" } });
    expect(logout.status).toBe(403);
    expect((await call("/api/auth/me", { cookie })).status).toBe(200);
  });

  it("accepts the same write from the app's own origin", async () => {
    const cookie = (await registerSignedIn("own-origin")).access;
    const own = new URL(process.env.TESSERA_BASE_URL ?? "http://127.0.0.1:3000").origin;
    expect((await call("/api/posts", { cookie, json: { note: "same origin" }, headers: { origin: own } })).status).toBe(201);
  });

  it("lets an allowed front-end origin read with credentials, and answers its preflight", async () => {
    const front = "https://front.tessera.test";
    const response = await call("/api/health", { headers: { origin: front } });
    expect(response.headers.get("access-control-allow-origin")).toBe(front);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("vary")).toContain("Origin");
    const preflight = await call("/api/posts", {
      method: "OPTIONS",
      headers: { origin: front, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-max-age")).toBe("600");
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(preflight.headers.get("access-control-allow-methods")).toMatch(/POST/);
    const cookie = (await registerSignedIn("front-end")).access;
    expect((await call("/api/posts", { cookie, json: { note: "from the front end" }, headers: { origin: front } })).status).toBe(201);
  });

  it("gives a foreign origin no CORS headers, on requests and preflights", async () => {
    const response = await call("/api/health", { headers: { origin: "https://evil.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await call("/api/auth/login", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
  });
});
