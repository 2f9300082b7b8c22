/**
 * A front end on another site (the README's "cross-site front end"): a page
 * served from a second origin, listed in CORS_ORIGINS, talks to a Tessera
 * started with COOKIE_SAMESITE=None. In a real Chromium it signs in with
 * `credentials: "include"`, reads /api/auth/me, refreshes and signs out; the
 * refresh works only because the refresh cookie is SameSite=None too, and any
 * cookie at all only because both are partitioned (this Chromium, like Safari
 * and Firefox, keeps no unpartitioned third-party cookie).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import type { AppServer } from "@/tools/app-server";
import { startSecondServer } from "@/tests/support/second-server";

let app: AppServer;
let front: Server;
let frontOrigin: string;

/** The front end: a blank page on localhost, while the app is on 127.0.0.1, another site. */
function startFront(): Promise<string> {
  front = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>Front end</title><h1>Front end</h1>");
  });
  return new Promise((resolve) => front.listen(0, "localhost", () => resolve(`http://localhost:${(front.address() as AddressInfo).port}`)));
}

test.beforeAll(async () => {
  test.setTimeout(150_000);
  frontOrigin = await startFront();
  app = await startSecondServer({ COOKIE_SAMESITE: "None", CORS_ORIGINS: frontOrigin }, { name: "cross-site" });
});

test.afterAll(async () => {
  await app?.terminate();
  front?.close();
});

test("a front end on another site signs in, reads, refreshes and signs out with credentials: include", async ({ page, context }) => {
  await page.goto(frontOrigin);
  const api = (path: string, init: RequestInit = {}) =>
    page.evaluate(
      async ([url, init]) => {
        const response = await fetch(url, { ...init, credentials: "include" });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : null };
      },
      [`${app.url}${path}`, init] as const,
    );
  const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  expect((await api("/api/auth/login", json({ username: "niko", password: "123niko" }))).status).toBe(200);
  const cookies = await context.cookies(`${app.url}/api/auth/refresh`);
  expect(cookies.find((cookie) => cookie.name === "__Secure-tessera_refresh")).toMatchObject({ sameSite: "None", secure: true, httpOnly: true, partitionKey: "http://localhost" });
  expect(cookies.find((cookie) => cookie.name === "__Host-tessera_session")).toMatchObject({ sameSite: "None", secure: true, httpOnly: true, partitionKey: "http://localhost" });

  const me = await api("/api/auth/me");
  expect(me).toMatchObject({ status: 200, body: { data: { user: { username: "niko" } } } });

  // The refresh cookie is sent cross-site only because it is SameSite=None.
  const refreshed = await api("/api/auth/refresh", { method: "POST" });
  expect(refreshed.status).toBe(200);
  expect((await api("/api/auth/me")).body.data.claims.jti).not.toBe(me.body.data.claims.jti);

  expect((await api("/api/auth/logout", { method: "POST" })).status).toBe(204);
  expect((await api("/api/auth/me")).status).toBe(401);
});
