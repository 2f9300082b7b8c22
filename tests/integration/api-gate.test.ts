/**
 * API requests skip the Edge middleware: each route answers CORS preflights,
 * refuses foreign writes and missing tokens, and sets its headers itself
 * (lib/edge/api-gate.ts, through the route wrapper), with the answers the
 * middleware gave, for known and unknown /api paths alike.
 */
import { describe, expect, it } from "vitest";
import { bearerToken, call, signIn } from "@/tools/http-client";

/** The test server's CORS_ORIGINS. */
const FRONT = "https://front.tessera.test";
const FOREIGN = "https://evil.example";
const errorOf = async (response: Response) => (await response.json()).error;

function expectApiHeaders(response: Response) {
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
}

describe("API answers", () => {
  it("come from the route, not the middleware: a policy that lets JSON load nothing, and no nonce", async () => {
    const response = await call("/api/health");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/nonce|script-src/);
    // Pages still pass through the middleware, which puts a fresh nonce in theirs.
    expect((await call("/login")).headers.get("content-security-policy")).toMatch(/'nonce-/);
  });

  it.each([
    ["GET", "/api/health", 200],
    ["GET", "/api/auth/me", 401],
    ["GET", "/api/no-such-route", 404],
    ["DELETE", "/api/health", 405],
    ["OPTIONS", "/api/auth/me", 204],
  ] as const)("%s %s → %i carries the security headers and no-store", async (method, path, status) => {
    const response = await call(path, { method });
    expect(response.status).toBe(status);
    expectApiHeaders(response);
  });
});

describe("a protected API without a valid token", () => {
  it.each([
    ["DELETE", "/api/auth/me", undefined, "token_missing"],
    ["POST", "/api/posts", "not json", "token_missing"],
    ["GET", "/api/users/not-a-uuid", undefined, "token_missing"],
    ["GET", "/api/admin/events?type=%00", undefined, "token_missing"],
  ] as const)("%s %s is refused with 401 before the request is looked at", async (method, path, body, error) => {
    const response = await call(path, { method, body, headers: body ? { "content-type": "text/plain" } : {} });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe(error);
  });

  it("gets the 401 with CORS headers for an allowed front end, and none for another origin", async () => {
    const allowed = await call("/api/auth/me", { headers: { origin: FRONT }, cookie: "__Host-tessera_session=forged" });
    expect(allowed.status).toBe(401);
    expect(await errorOf(allowed)).toBe("invalid_token");
    expect(allowed.headers.get("access-control-allow-origin")).toBe(FRONT);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(allowed.headers.get("vary")).toMatch(/\bOrigin\b/);
    const foreign = await call("/api/auth/me", { headers: { origin: FOREIGN } });
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("is let through with a valid one, and so is a Bearer token", async () => {
    const cookie = await signIn("toby", "123toby");
    const response = await call("/api/auth/me", { cookie, headers: { origin: FRONT } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(FRONT);
    expectApiHeaders(response);
    const { token } = await bearerToken("toby", "123toby");
    expect((await call("/api/auth/me", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

describe("any /api path, known or not", () => {
  it.each(["/api/posts", "/api/no-such-route", "/api/users/authenticate"])("answers a preflight for %s", async (path) => {
    const allowed = await call(path, { method: "OPTIONS", headers: { origin: FRONT, "access-control-request-method": "POST" } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(FRONT);
    expect(allowed.headers.get("access-control-allow-methods")).toMatch(/POST/);
    expect(allowed.headers.get("access-control-max-age")).toBe("600");
    expect(allowed.headers.get("vary")).toMatch(/\bOrigin\b/);
    const foreign = await call(path, { method: "OPTIONS", headers: { origin: FOREIGN, "access-control-request-method": "POST" } });
    expect(foreign.status).toBe(204);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    expect(foreign.headers.get("access-control-allow-methods")).toBeNull();
  });

  it.each([
    ["POST", "/api/no-such-route"],
    ["PUT", "/api/health"],
    ["DELETE", "/api/auth/me"],
  ] as const)("refuses a foreign %s to %s with 403 before anything else", async (method, path) => {
    const response = await call(path, { method, headers: { origin: FOREIGN } });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toBe("forbidden");
    expectApiHeaders(response);
  });
});
