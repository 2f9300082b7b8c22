/**
 * Attacks from another site: a foreign page that posts forms or fetches with
 * the visitor's browser. It may neither use the visitor's cookies (CSRF), nor
 * sign the visitor in as someone else (login CSRF), nor sign them out (logout
 * CSRF), nor slip in a cookie of its own (cookie tossing).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BASE_URL, call, signInFully, uniqueName, type Call, type Signed } from "@/tools/http-client";
import { REFRESH_COOKIE, SESSION_COOKIE } from "@/tools/cookies";

const FOREIGN = "https://evil.example";
const OWN = new URL(BASE_URL).origin;
/** The test server's CORS_ORIGINS. */
const ALLOWED = "https://front.tessera.test";

async function expectRefusedWithoutCookies(response: Response) {
  expect(response.status).toBe(403);
  expect(await response.json()).toMatchObject({ error: "forbidden", data: null });
  expect(response.headers.getSetCookie()).toEqual([]);
}

/** Every way to get a session set, as a foreign page would send it: no cookies, a body of its choosing. */
const sessionSetters: [string, string, () => Call][] = [
  ["a form post to /api/auth/login", "/api/auth/login", () => ({ form: { username: "lex", password: "123qwerty" } })],
  ["JSON to /api/auth/login", "/api/auth/login", () => ({ json: { username: "lex", password: "123qwerty" } })],
  ["/api/auth/token", "/api/auth/token", () => ({ json: { username: "lex", password: "123qwerty" } })],
  ["/api/users/authenticate", "/api/users/authenticate", () => ({ json: { uid: "lex", password: "123qwerty" } })],
  ["/api/auth/register", "/api/auth/register", () => ({ json: { username: uniqueName("csrf"), password: "a-good-long-password", name: "Mallory" } })],
];

/** The /login page's server-action form, with its hidden fields, as a browser would post it. */
async function loginActionForm(username: string, password: string): Promise<FormData> {
  const html = await (await call("/login")).text();
  const form = new FormData();
  const unescape = (value: string) => value.replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g)) form.append(unescape(name!), unescape(value ?? ""));
  form.append("username", username);
  form.append("password", password);
  return form;
}

const setsSession = (response: Response) => response.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=`) && !line.startsWith(`${SESSION_COOKIE}=;`));

describe("login CSRF: a foreign page cannot sign the visitor in", () => {
  it.each(sessionSetters)("refuses %s from a foreign Origin, and sets no cookie", async (_case, path, request) => {
    await expectRefusedWithoutCookies(await call(path, { ...request(), headers: { origin: FOREIGN } }));
  });

  it.each(sessionSetters)("refuses %s without Origin when Fetch Metadata says cross-site", async (_case, path, request) => {
    await expectRefusedWithoutCookies(await call(path, { ...request(), headers: { "sec-fetch-site": "cross-site" } }));
  });

  it("refuses the app's own host and port over another scheme: an origin is not just a host", async () => {
    const otherScheme = OWN.replace(/^http:/, "https:");
    await expectRefusedWithoutCookies(await call("/api/auth/login", { json: { username: "lex", password: "123qwerty" }, headers: { origin: otherScheme } }));
  });

  it("refuses a foreign refresh, and the refresh token still works afterwards", async () => {
    const { refresh } = await signInFully("lex", "123qwerty");
    await expectRefusedWithoutCookies(await call("/api/auth/refresh", { method: "POST", cookie: refresh, headers: { origin: FOREIGN } }));
    expect((await call("/api/auth/refresh", { method: "POST", cookie: refresh, headers: { origin: OWN } })).status).toBe(200);
  });

  it("refuses the sign-in form's server action posted from a foreign page", async () => {
    const foreign = await call("/login", { body: await loginActionForm("lex", "123qwerty"), headers: { origin: FOREIGN } });
    expect(foreign.status).toBe(403);
    expect(setsSession(foreign)).toBe(false);
    // The same post from the page itself signs in: the refusal above is the Origin's doing.
    const own = await call("/login", { body: await loginActionForm("lex", "123qwerty"), headers: { origin: OWN } });
    expect(setsSession(own)).toBe(true);
  });

  it("lets the app's own origin and an allowed front end sign in", async () => {
    for (const origin of [OWN, ALLOWED]) {
      const response = await call("/api/auth/login", { json: { username: "lex", password: "123qwerty" }, headers: { origin } });
      expect(response.status).toBe(200);
      expect(setsSession(response)).toBe(true);
    }
  });

  it("holds for a request that claims to be a middleware subrequest", async () => {
    const bypass = { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" };
    await expectRefusedWithoutCookies(await call("/api/auth/login", { form: { username: "lex", password: "123qwerty" }, headers: { origin: FOREIGN, ...bypass } }));
  });
});

describe("logout CSRF: a foreign page cannot sign the visitor out", () => {
  let victim: Signed;
  beforeAll(async () => {
    victim = await signInFully("niko", "123niko");
  });

  it("refuses a foreign form post to /api/auth/logout: no Set-Cookie, the session lives on", async () => {
    const cookie = `${victim.access}; ${victim.refresh}`;
    await expectRefusedWithoutCookies(await call("/api/auth/logout", { form: {}, cookie, headers: { origin: FOREIGN } }));
    await expectRefusedWithoutCookies(await call("/api/auth/logout", { method: "POST", headers: { origin: FOREIGN } }));
    await expectRefusedWithoutCookies(await call("/api/auth/logout", { method: "POST", cookie, headers: { "sec-fetch-site": "cross-site" } }));
    expect((await call("/api/auth/me", { cookie: victim.access })).status).toBe(200);
  });
});

describe("cookie tossing: a session cookie name sent twice", () => {
  let victim: Signed;
  let attacker: Signed;
  beforeAll(async () => {
    victim = await signInFully("toby", "123toby");
    attacker = await signInFully("lex", "123qwerty");
  });

  it("refuses a refresh that carries two refresh cookies, rotates neither, and clears nothing", async () => {
    const response = await call("/api/auth/refresh", { method: "POST", cookie: `${victim.refresh}; ${REFRESH_COOKIE}=${attacker.refreshToken}` });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe("invalid_token");
    // Expiring our cookie would leave only the planted one in the browser.
    expect(response.headers.getSetCookie()).toEqual([]);
    // Neither token was used: both still refresh on their own.
    expect((await call("/api/auth/refresh", { method: "POST", cookie: attacker.refresh })).status).toBe(200);
    expect((await call("/api/auth/refresh", { method: "POST", cookie: victim.refresh })).status).toBe(200);
  });

  it("does not sign a page visitor into the planted session through the refresh redirect", async () => {
    const { refresh } = await signInFully("toby", "123toby");
    const response = await call("/api/auth/refresh?next=/dashboard", { cookie: `${refresh}; ${REFRESH_COOKIE}=${attacker.refreshToken}` });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^\/login\?/);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("treats two session cookies as signed out: 401 for the API, no protected page", async () => {
    const cookie = `${victim.access}; ${SESSION_COOKIE}=${attacker.token}`;
    const me = await call("/api/auth/me", { cookie });
    expect(me.status).toBe(401);
    expect((await me.json()).error).toBe("invalid_token");
    expect((await call("/dashboard", { cookie })).status).not.toBe(200);
  });

  it("records a cookie_conflict event when the doubled cookie reaches the server", async () => {
    const admin = await signInFully("hop", "123hop");
    const before = await conflictEvents(admin);
    await call("/api/auth/refresh", { method: "POST", cookie: `${victim.refresh}; ${REFRESH_COOKIE}=${attacker.refreshToken}` });
    expect(await conflictEvents(admin)).toBe(before + 1);
  });
});

async function conflictEvents(admin: Signed): Promise<number> {
  const response = await call("/api/admin/events?type=cookie_conflict", { cookie: admin.access });
  expect(response.status).toBe(200);
  return (await response.json()).data.events.length;
}
