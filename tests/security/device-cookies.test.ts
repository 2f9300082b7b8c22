/**
 * Lockout as a weapon: five wrong passwords from anywhere lock an account, so an
 * attacker who knows only a username could keep its owner out for good. A
 * browser that has signed in to the account before holds a device cookie and
 * gets through the lockout (with an allowance of its own); nobody else does.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { generateOpaqueToken, hashOpaqueToken } from "@/lib/auth/opaque-token";
import { parseConfig } from "@/lib/config";
import { DEVICE_COOKIE, SESSION_COOKIE, deviceCookie, setCookies, sessionCookie } from "@/tools/cookies";
import { call, registerSignedIn, serverActionForm } from "@/tools/http-client";
import { fillRateLimit, query, throwawayAccounts } from "../support/database";

const { perUsername } = parseConfig(process.env).rateLimits;
const newUser = throwawayAccounts();
const registered = throwawayAccounts(registerSignedIn);

const login = (username: string, password: string, cookie?: string) => call("/api/auth/login", { json: { username, password }, cookie });

/** Signs in from a browser of its own; returns that browser's device cookie and session cookie. */
async function trustedBrowser(username: string, password: string): Promise<{ device: string; session: string }> {
  const response = await login(username, password);
  expect(response.status).toBe(200);
  const device = deviceCookie(response);
  const session = sessionCookie(response);
  expect(device).toBeDefined();
  return { device: device!, session: `${session!.name}=${session!.value}` };
}

/** A fresh account and the browser that registered it: registering signs in and remembers the browser as one of the account's devices. */
async function newUserInBrowser(prefix: string) {
  const { username, password, id, device, access } = await registered(prefix);
  expect(device).toBeDefined();
  return { username, password, id, browser: { device: device!, session: access } };
}

/** What an attacker who knows only the username does: RATE_LIMIT_PER_USERNAME wrong guesses from fresh clients. */
async function lockOut(username: string, password: string): Promise<void> {
  for (let guess = 0; guess < perUsername; guess++) expect((await login(username, `attackers-guess-${guess}`)).status).toBe(401);
  // Locked for unknown devices, even with the right password.
  expect((await login(username, password)).status).toBe(429);
}

/**
 * The lockout those guesses leave, written straight to the database: the username's
 * RATE_LIMIT_PER_USERNAME failures for this window. For the tests whose subject is a
 * trusted device during a lockout; how guesses make one is the first lockout test's
 * (and tests/integration/abuse.test.ts's), and each guess costs the server a bcrypt compare.
 */
async function lockedOut(username: string, password: string): Promise<void> {
  await fillRateLimit(`user:${username}`, perUsername);
  expect((await login(username, password)).status).toBe(429);
}

describe("device cookies", () => {
  const ways: [string, (username: string, password: string) => Promise<Response>][] = [
    ["POST /api/auth/login (JSON)", (username, password) => login(username, password)],
    ["POST /api/auth/login (HTML form)", (username, password) => call("/api/auth/login", { form: { username, password } })],
    ["POST /api/users/authenticate", (username, password) => call("/api/users/authenticate", { json: { uid: username, password } })],
    ["the /login page's form", async (username, password) => (await serverActionForm("/login"))({ username, password })],
  ];

  // One account for these tests: each sign-in hands out a device cookie of its own, whatever came before.
  let account: { username: string; password: string };
  beforeAll(async () => {
    account = await newUser("device");
  });

  it.each(ways)("are handed out, httpOnly and long-lived, by %s", async (_way, signIn) => {
    const { username, password } = account;
    const response = await signIn(username, password);
    expect(response.status).toBeLessThan(400);
    const cookie = setCookies(response).find(({ name }) => name === DEVICE_COOKIE);
    expect(cookie).toBeDefined();
    expect(cookie!.attributes).toMatchObject({ httponly: true, secure: true, path: "/", samesite: "lax" });
    expect(cookie!.attributes.domain).toBeUndefined();
    expect(Number(cookie!.attributes["max-age"])).toBeGreaterThanOrEqual(90 * 24 * 3600);
  });

  it("are not set by POST /api/auth/token, which sets no cookie at all", async () => {
    const { username, password } = account;
    const response = await call("/api/auth/token", { json: { username, password } });
    expect(response.status).toBe(200);
    expect(setCookies(response)).toEqual([]);
  });
});

describe("an attacker locking an admin out", () => {
  // An ADMIN of its own: the seeded one is signed in to by the suites running beside this one, whose
  // sign-ins a lockout would refuse (and whose right passwords would lift it half-way through this test).
  async function newAdmin() {
    const admin = await newUserInBrowser("locked-admin");
    await query(`UPDATE "User" SET "role" = 'ADMIN' WHERE "id" = $1`, [admin.id]);
    return admin;
  }

  it("keeps fresh clients out, and lets in a browser that has signed in as that admin before", async () => {
    const { username, password, browser } = await newAdmin();
    const { device } = browser;
    await lockOut(username, password);

    expect((await login(username, password, device)).status).toBe(200);
    expect((await call("/api/users/authenticate", { json: { uid: username, password }, cookie: device })).status).toBe(200);
    expect((await (await serverActionForm("/login"))({ username, password }, { cookie: device })).status).toBe(303);
    // An API client that kept its device cookie may present it for a Bearer token, too.
    expect((await call("/api/auth/token", { json: { username, password }, cookie: device })).status).toBe(200);
    // The owner's sign-ins do not reopen the door for the attacker.
    expect((await login(username, password)).status).toBe(429);
  });
});

describe("a trusted device during a lockout", () => {
  it("has an allowance of its own that parallel guesses cannot outrun", async () => {
    const { username, password, browser } = await newUserInBrowser("device-limit");
    const { device } = browser;
    const { device: otherDevice } = await trustedBrowser(username, password);
    await lockedOut(username, password);

    const statuses = await Promise.all(Array.from({ length: 12 }, (_, index) => login(username, `guess-${index}`, device).then(({ status }) => status)));
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(perUsername);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(12 - perUsername);
    const refused = await login(username, password, device);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // The allowance is per device: the owner's other browser still gets in.
    expect((await login(username, password, otherDevice)).status).toBe(200);
  });

  it("is not impersonated by a forged cookie, another user's cookie, or an unprefixed copy", async () => {
    const { username, password, browser } = await newUserInBrowser("device-forged");
    const { device } = browser;
    const { device: othersDevice } = (await newUserInBrowser("device-other")).browser;
    await lockedOut(username, password);

    const forged = `${DEVICE_COOKIE}=${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`;
    expect((await login(username, password, forged)).status).toBe(429);
    expect((await login(username, password, othersDevice)).status).toBe(429);
    // In production only the __Host- name is trusted: a sibling subdomain can plant a plain-named cookie.
    expect((await login(username, password, device.replace(`${DEVICE_COOKIE}=`, "tessera_device="))).status).toBe(429);
    expect((await login(username, password, device)).status).toBe(200);
  });
});

describe("revoking devices", () => {
  it("keeps the device cookie on sign-out, and revokes it on sign out everywhere", async () => {
    const { username, password, browser } = await newUserInBrowser("device-signout");
    const { device, session } = browser;
    const signedOut = await call("/api/auth/logout", { method: "POST", cookie: `${session}; ${device}` });
    expect(signedOut.status).toBe(204);
    expect(setCookies(signedOut).map(({ name }) => name)).not.toContain(DEVICE_COOKIE);

    await lockedOut(username, password);
    const again = await login(username, password, device);
    expect(again.status).toBe(200);
    const current = sessionCookie(again)!;
    expect((await call("/api/auth/sessions", { method: "DELETE", cookie: `${SESSION_COOKIE}=${current.value}; ${device}` })).status).toBe(204);
    expect((await login(username, password, device)).status).toBe(429);
  });

  it("revokes every device of the account when its password is changed", async () => {
    const { username, password, id, browser } = await newUserInBrowser("device-password");
    const { device, session } = browser;
    const newPassword = "a-brand-new-password";
    const changed = await call(`/api/users/${id}`, { method: "PATCH", cookie: `${session}; ${device}`, json: { password: newPassword, currentPassword: password } });
    expect(changed.status).toBe(200);

    await lockedOut(username, newPassword);
    expect((await login(username, newPassword, device)).status).toBe(429);
  });
});

describe("keeping devices", () => {
  const devicesOf = async (userId: string) =>
    query<{ id: string }>(`SELECT "id" FROM "Device" WHERE "userId" = $1::uuid ORDER BY "lastUsedAt", "id"`, [userId]);

  /**
   * Browsers that signed in to the account, oldest first, written to the database as a sign-in
   * writes them (a random token, stored as its hash, by the server's own opaque-token helpers):
   * each sign-in would cost the server a bcrypt compare, and how a sign-in remembers its browser
   * is the tests' above.
   */
  async function earlierBrowsers(userId: string, count: number): Promise<string[]> {
    const tokens = Array.from({ length: count }, generateOpaqueToken);
    await query(
      `INSERT INTO "Device" ("id", "userId", "tokenHash", "createdAt", "lastUsedAt")
       SELECT gen_random_uuid(), $1::uuid, hash, now() - make_interval(mins => $3::int - ord::int), now() - make_interval(mins => $3::int - ord::int)
       FROM unnest($2::text[]) WITH ORDINALITY AS token(hash, ord)`,
      [userId, tokens.map(hashOpaqueToken), count + 1],
    );
    return tokens.map((token) => `${DEVICE_COOKIE}=${token}`);
  }

  it("keeps an account's 20 most recent browsers: a new one forgets the oldest, whose cookie no longer gets through a lockout", async () => {
    const { username, password, id, browser } = await newUserInBrowser("device-many");
    // The registering browser is the oldest; 19 more signed in after it.
    await query(`UPDATE "Device" SET "lastUsedAt" = now() - interval '1 day' WHERE "userId" = $1::uuid`, [id]);
    const browsers = [browser.device, ...(await earlierBrowsers(id, 19))];
    expect(await devicesOf(id)).toHaveLength(20);
    browsers.push((await trustedBrowser(username, password)).device);
    expect(await devicesOf(id)).toHaveLength(20);

    await lockedOut(username, password);
    expect((await login(username, password, browsers[0])).status).toBe(429);
    expect((await login(username, password, browsers[1])).status).toBe(200);
    expect((await login(username, password, browsers[20])).status).toBe(200);
  });

  it("forgets a browser unused for 180 days at the account's next sign-in from another one", async () => {
    // Registering remembered the first browser.
    const { username, password, id } = await newUser("device-stale");
    const [stale] = await devicesOf(id);
    await query(`UPDATE "Device" SET "lastUsedAt" = now() - interval '181 days' WHERE "id" = $1::uuid`, [stale!.id]);
    await trustedBrowser(username, password);
    const left = await devicesOf(id);
    expect(left).toHaveLength(1);
    expect(left[0]!.id).not.toBe(stale!.id);
  });
});
