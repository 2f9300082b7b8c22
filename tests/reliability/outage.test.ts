/**
 * PostgreSQL stops while requests run. Protected requests must answer 503
 * `service_unavailable` with Retry-After within 10 s, public pages must still
 * render, the middleware must keep deciding on its own, signed-in pages must
 * hand over to the 503 page without signing anyone out, and once PostgreSQL is
 * back the same app process must serve again, with no restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "@playwright/test";
import { SignJWT } from "jose";
import { chromiumLaunchOptions } from "@/tools/browser";
import { signInThroughForm } from "@/tests/support/pages";
import { REFRESH_COOKIE, SESSION_COOKIE, setCookies } from "@/tools/cookies";
import { httpClient, type Signed } from "@/tools/http-client";
import { ANSWER_WITHIN_MS, expectNoInternals, expectServiceUnavailable } from "@/tests/support/unavailable";
import { eventually } from "@/tests/support/eventually";
import { keepRequesting, type Tally } from "@/tests/support/traffic";
import { AppServer } from "@/tools/app-server";
import { PostgresServer } from "@/tools/postgres-server";

let postgres: PostgresServer;
let app: AppServer;
let client: ReturnType<typeof httpClient>;
let signed: Signed;
let user: { username: string; password: string };
let browser: Browser;
/** A signed-in browser tab, to see what a person sees. */
let page: Page;

beforeAll(async () => {
  postgres = await PostgresServer.create();
  app = await AppServer.start({ databaseUrl: await postgres.createDatabase("tessera"), env: { ...AppServer.defaultEnv(), DB_TIMEOUT_MS: "2000" } });
  client = httpClient(app.url);
  user = await client.registerUser("outage");
  signed = await client.signInFully(user.username, user.password);
  browser = await chromium.launch(chromiumLaunchOptions());
  page = await browser.newPage({ baseURL: app.url });
  await signInThroughForm(page, user.username, user.password);
  await page.waitForURL("**/dashboard");
});

afterAll(async () => {
  await browser?.close();
  await app?.terminate();
  postgres?.destroy();
});

const within = { timeoutMs: ANSWER_WITHIN_MS };

describe("while PostgreSQL is down", () => {
  let stopLoad: () => Promise<Tally>;
  let serverPid: number;

  beforeAll(() => {
    serverPid = app.serverPid();
    // Signed-in traffic that runs across the stop and, later, the start.
    stopLoad = keepRequesting(4, () => client.call("/api/auth/me", { cookie: signed.access, ...within })).stop;
    postgres.stop("fast");
  });

  it("answers protected API requests with 503 service_unavailable and Retry-After", async () => {
    await expectServiceUnavailable(await client.call("/api/auth/me", { cookie: signed.access, ...within }));
    await expectServiceUnavailable(await client.call("/api/auth/sessions", { cookie: signed.access, ...within }));
    await expectServiceUnavailable(await client.call("/api/auth/login", { json: user, ...within }));
    await expectServiceUnavailable(
      await client.call("/api/auth/register", { json: { username: "newcomer", password: "a-good-long-password", name: "New" }, ...within }),
    );
    const refresh = await client.call("/api/auth/refresh", { method: "POST", cookie: signed.refresh, ...within });
    await expectServiceUnavailable(refresh);
    // An outage is no reason to forget the refresh token.
    expect(setCookies(refresh).map((cookie) => cookie.name)).not.toContain(REFRESH_COOKIE);
    const health = await client.call("/api/health", within);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "degraded", db: "down" });
  });

  it("still renders the public pages", async () => {
    for (const [path, heading] of [["/", "Welcome"], ["/login", "Sign in"], ["/register", "Create an account"]]) {
      const response = await client.call(path!, within);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain(`<h1>${heading}</h1>`);
    }
  });

  it("keeps the middleware deciding without the database", async () => {
    const signedOut = await client.call("/dashboard", within);
    expect(signedOut.status).toBe(307);
    expect(signedOut.headers.get("location")).toBe("/api/auth/refresh?next=%2Fdashboard");
    const noRefreshToken = await client.call("/api/auth/refresh?next=%2Fdashboard", within);
    expect(noRefreshToken.status).toBe(303);
    expect(noRefreshToken.headers.get("location")).toBe("/login?next=%2Fdashboard");

    const forged = await new SignJWT({ username: "someone", role: "ADMIN", sid: "none" })
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .setSubject("someone")
      .setIssuer("tessera")
      .setAudience("tessera")
      .setExpirationTime("15m")
      .sign(crypto.getRandomValues(new Uint8Array(32)));
    const refused = await client.call("/api/auth/me", { cookie: `${SESSION_COOKIE}=${forged}`, ...within });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toBe("invalid_token");
  });

  it("sends a signed-in page to a 503 page that retries it, and keeps the session", async () => {
    const dashboard = await client.call("/dashboard", { cookie: signed.access, ...within });
    expect(dashboard.status).toBe(307);
    expect(dashboard.headers.get("location")).toBe("/unavailable?next=%2Fdashboard");
    expect(setCookies(dashboard)).toEqual([]);

    const page = await client.call("/unavailable?next=%2Fdashboard", within);
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("5");
    const html = await page.text();
    expect(html).toContain("Tessera is temporarily unavailable");
    expect(html).toContain('<meta http-equiv="refresh" content="5; url=/dashboard">');
    expectNoInternals(html);

    // The transparent refresh of an expired access token meets the outage too.
    const refresh = await client.call("/api/auth/refresh?next=%2Fdashboard", { cookie: signed.refresh, ...within });
    expect(refresh.status).toBe(503);
    expect(await refresh.text()).toContain("Tessera is temporarily unavailable");
    expect(setCookies(refresh)).toEqual([]);
  });

  it("sends a sign-in form post back to the form with the outage message", async () => {
    const response = await client.call("/api/auth/login", { form: user, ...within });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login?error=service_unavailable");
  });

  it("shows who is signed in from the token alone, and sends Sign out to the 503 page without signing anyone out", async () => {
    await page.goto("/");
    const header = page.getByRole("banner");
    await header.getByText(`Signed in as ${user.username}`, { exact: true }).waitFor();
    expect(await header.getByRole("link", { name: "Sign in" }).count()).toBe(0);
    await header.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Tessera is temporarily unavailable" }).waitFor();
    expect(page.url()).toBe(`${app.url}/unavailable?next=%2F`);
    expect((await page.context().cookies()).map((cookie) => cookie.name)).toContain(SESSION_COOKIE);
  });

  it("shows a person what is going on, in a real browser", async () => {
    await page.goto("/");
    await page.getByRole("button", { name: "Show details" }).click();
    await page.getByTestId("result").filter({ hasText: "Result - Service unavailable, try again shortly" }).waitFor();

    await page.goto("/dashboard");
    expect(new URL(page.url()).pathname).toBe("/unavailable");
    await page.getByRole("heading", { name: "Tessera is temporarily unavailable" }).waitFor();
  });

  it("recovers by itself once PostgreSQL is back: the same process, the same session", async () => {
    postgres.start();
    const recoveredAfterMs = await eventually("/api/auth/me answers 200 again", async () => {
      const response = await client.call("/api/auth/me", { cookie: signed.access, ...within });
      return response.status === 200;
    });
    console.log(`Recovered ${recoveredAfterMs} ms after PostgreSQL accepted connections again.`);
    expect(app.serverPid()).toBe(serverPid);

    const tally = await stopLoad();
    console.log(`Signed-in requests across the outage: ${tally}`);
    expect(tally.failures).toEqual([]);
    expect([...tally.statuses.keys()].sort()).toEqual([200, 503]);

    expect((await client.call("/dashboard", { cookie: signed.access, ...within })).status).toBe(200);
    expect((await client.call("/api/auth/refresh", { method: "POST", cookie: signed.refresh, ...within })).status).toBe(200);
    await client.signInFully(user.username, user.password);

    // The 503 page in the browser tab reloads the dashboard by itself, still signed in.
    await page.waitForURL("**/dashboard", { timeout: 15_000 });
    await page.getByRole("heading", { name: /^Hello, / }).waitFor();
  });
});
