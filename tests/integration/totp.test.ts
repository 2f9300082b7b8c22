/**
 * Two-factor sign-in with an authenticator app over the API: setting up and
 * turning on, the secret and backup codes at rest, signing in with a code
 * (each one once, wrong ones within the sign-in limits), backup codes, turning
 * off behind step-up, an ADMIN turning it off for someone else, and step-up
 * before the other sensitive changes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { cookieHeader, sessionCookie, setCookies } from "@/tools/cookies";
import { ageSignIn, deleteUsers, query } from "../support/database";
import { call, signInFully, TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { decodeClaims } from "../support/tokens";
import { totpCode } from "../support/totp";

const { perUsername } = parseConfig(process.env).rateLimits;
const PERIOD_MS = 30_000;

const created: string[] = [];
afterAll(() => deleteUsers(created));

/** The envelope; `data` is cast to what each route documents. */
const json = async (response: Response) => (await response.json()) as { data: unknown; error?: string; fields?: Record<string, string> };
const errorOf = async (response: Response) => (await json(response)).error;

/** The code an authenticator app with `secret` shows during time step `step`. */
function codeAt(secret: string, step: number): string {
  return totpCode(secret, 0, step * PERIOD_MS);
}

const stepNow = () => Math.floor(Date.now() / PERIOD_MS);

interface Account {
  id: string;
  username: string;
  /** The registration's session, signed in just now. */
  cookie: string;
  sessionId: string;
}

/** A fresh account, signed in by registering. */
async function register(prefix: string): Promise<Account> {
  const username = uniqueName(prefix);
  const response = await call("/api/auth/register", { json: { username, password: TEST_PASSWORD, name: "Totp Tester" } });
  expect(response.status).toBe(201);
  const access = sessionCookie(response)!;
  const { id } = ((await json(response)).data as { user: { id: string } }).user;
  created.push(id);
  return { id, username, cookie: cookieHeader(access), sessionId: decodeClaims(access.value).sid as string };
}

interface Enrolled extends Account {
  secret: string;
  backupCodes: string[];
  /** The step of the code that turned TOTP on: used up. */
  step: number;
}

/** An account with TOTP on. */
async function enrolled(prefix: string): Promise<Enrolled> {
  const account = await register(prefix);
  const setup = await call("/api/auth/totp/setup", { method: "POST", cookie: account.cookie });
  expect(setup.status).toBe(200);
  const { secret } = (await json(setup)).data as { secret: string };
  const step = stepNow();
  const enable = await call("/api/auth/totp/enable", { json: { code: codeAt(secret, step) }, cookie: account.cookie });
  expect(enable.status).toBe(200);
  return { ...account, secret, step, backupCodes: ((await json(enable)).data as { backupCodes: string[] }).backupCodes };
}

function token(username: string, factor: Record<string, string> = {}) {
  return call("/api/auth/token", { json: { username, password: TEST_PASSWORD, ...factor } });
}

/** Moves a session's last proof of identity back, as if signed in an hour ago. */
const ageSession = (sessionId: string) => ageSignIn(sessionId, 3600);

async function userRow(id: string) {
  const [row] = await query<{ totpSecret: string | null; totpEnabledAt: Date | null; totpLastStep: number | null }>(
    `SELECT "totpSecret", "totpEnabledAt", "totpLastStep" FROM "User" WHERE "id" = $1`,
    [id],
  );
  return row!;
}

async function eventsOf(userId: string, type: string) {
  return query(`SELECT "id" FROM "AuthEvent" WHERE "userId" = $1 AND "type" = $2`, [userId, type]);
}

describe("turning TOTP on", () => {
  it("sets up a secret, turns on with a code from it, and hands out ten backup codes once", async () => {
    const account = await register("totp-on");
    const first = await call("/api/auth/totp/setup", { method: "POST", cookie: account.cookie });
    expect(first.status).toBe(200);
    const setup = (await json(first)).data as { secret: string; otpauthUrl: string };
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(setup.otpauthUrl);
    expect(url.protocol).toBe("otpauth:");
    expect(url.searchParams.get("secret")).toBe(setup.secret);

    // Set up again before turning on: the unconfirmed secret is replaced, and the old one's codes no longer count.
    const second = (await json(await call("/api/auth/totp/setup", { method: "POST", cookie: account.cookie }))).data as { secret: string };
    expect(second.secret).not.toBe(setup.secret);
    const stale = await call("/api/auth/totp/enable", { json: { code: codeAt(setup.secret, stepNow()) }, cookie: account.cookie });
    expect(stale.status).toBe(400);
    expect(await json(stale)).toMatchObject({ error: "validation_error", fields: { code: expect.any(String) } });
    expect((await userRow(account.id)).totpEnabledAt).toBeNull();

    const step = stepNow();
    const enable = await call("/api/auth/totp/enable", { json: { code: codeAt(second.secret, step) }, cookie: account.cookie });
    expect(enable.status).toBe(200);
    const { backupCodes } = (await json(enable)).data as { backupCodes: string[] };
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    for (const code of backupCodes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    expect(await eventsOf(account.id, "totp_enabled")).toHaveLength(1);

    // The secret is never handed out again: setting up while on is a conflict, and so is turning on twice.
    const again = await call("/api/auth/totp/setup", { method: "POST", cookie: account.cookie });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toBe("conflict");
    expect(JSON.stringify(await call("/api/auth/me", { cookie: account.cookie }).then((response) => response.json()))).not.toContain(second.secret);
    expect((await call("/api/auth/totp/enable", { json: { code: codeAt(second.secret, step + 1) }, cookie: account.cookie })).status).toBe(409);

    // At rest: the secret sealed (not its base32, not even in part), the backup codes only as hashes.
    const row = await userRow(account.id);
    expect(row.totpSecret).toMatch(/^v1\./);
    expect(row.totpSecret).not.toContain(second.secret.slice(0, 8));
    expect(row.totpLastStep).toBeGreaterThanOrEqual(step - 1);
    const stored = await query<{ codeHash: string }>(`SELECT "codeHash" FROM "BackupCode" WHERE "userId" = $1`, [account.id]);
    expect(stored).toHaveLength(10);
    for (const { codeHash } of stored) {
      expect(codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(backupCodes.some((code) => codeHash.includes(code.replace("-", "")))).toBe(false);
    }
  });

  it("refuses a wrong code, a code of another format and a missing one", async () => {
    const account = await register("totp-wrong");
    const { secret } = (await json(await call("/api/auth/totp/setup", { method: "POST", cookie: account.cookie }))).data as { secret: string };
    const wrong = String((Number(codeAt(secret, stepNow())) + 1) % 1_000_000).padStart(6, "0");
    for (const code of [wrong, "12345", "abcdef"]) {
      const response = await call("/api/auth/totp/enable", { json: { code }, cookie: account.cookie });
      expect(response.status).toBe(400);
      expect((await json(response)).fields).toHaveProperty("code");
    }
    expect((await call("/api/auth/totp/enable", { json: {}, cookie: account.cookie })).status).toBe(400);
    expect((await userRow(account.id)).totpEnabledAt).toBeNull();
  });

  it("needs a secret set up first, and a signed-in caller", async () => {
    const account = await register("totp-nosetup");
    const response = await call("/api/auth/totp/enable", { json: { code: "123456" }, cookie: account.cookie });
    expect(response.status).toBe(409);
    expect((await call("/api/auth/totp/setup", { method: "POST" })).status).toBe(401);
    expect((await call("/api/auth/totp/enable", { json: { code: "123456" } })).status).toBe(401);
    expect((await call("/api/auth/totp/disable", { method: "POST" })).status).toBe(401);
  });
});

describe("signing in with TOTP on", () => {
  it("asks a browser for a code: 401 mfa_required, a pending sign-in and no session", async () => {
    const account = await enrolled("totp-login");
    const response = await call("/api/auth/login", { json: { username: account.username, password: TEST_PASSWORD } });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe("mfa_required");
    const names = setCookies(response).map((cookie) => cookie.name);
    expect(names.some((name) => name.endsWith("tessera_pending"))).toBe(true);
    expect(sessionCookie(response)).toBeUndefined();
  });

  it("issues a Bearer token only with a code, each code once, and not the code that turned TOTP on", async () => {
    const account = await enrolled("totp-token");
    const missing = await token(account.username);
    expect(missing.status).toBe(401);
    expect(await errorOf(missing)).toBe("mfa_required");

    const used = await token(account.username, { code: codeAt(account.secret, account.step) });
    expect(used.status).toBe(401);
    expect(await errorOf(used)).toBe("invalid_code");

    const code = codeAt(account.secret, account.step + 1);
    const issued = await token(account.username, { code });
    expect(issued.status).toBe(200);
    const claims = decodeClaims(((await json(issued)).data as { token: string }).token);
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);

    const replayed = await token(account.username, { code });
    expect(replayed.status).toBe(401);
    expect(await errorOf(replayed)).toBe("invalid_code");
    expect((await eventsOf(account.id, "mfa_failure")).length).toBe(2);
  });

  it("lets only one of two parallel sign-ins with the same code through", async () => {
    const account = await enrolled("totp-race");
    const code = codeAt(account.secret, account.step + 1);
    const statuses = (await Promise.all([token(account.username, { code }), token(account.username, { code })])).map((response) => response.status);
    expect(statuses.sort()).toEqual([200, 401]);
  });

  it("signs in through /api/users/authenticate with uid, password and code", async () => {
    const account = await enrolled("totp-uid");
    const response = await call("/api/users/authenticate", { json: { uid: account.username, password: TEST_PASSWORD, code: codeAt(account.secret, account.step + 1) } });
    expect(response.status).toBe(200);
    const access = sessionCookie(response)!;
    expect(decodeClaims(access.value).amr).toEqual(["pwd", "otp", "mfa"]);
    expect((await call("/api/auth/me", { cookie: cookieHeader(access) })).status).toBe(200);
  });

  it("takes each backup code once, in any spelling", async () => {
    const account = await enrolled("totp-backup");
    const [backup] = account.backupCodes;
    const first = await token(account.username, { backupCode: backup!.toUpperCase().replace("-", " ") });
    expect(first.status).toBe(200);
    expect(await eventsOf(account.id, "backup_code_used")).toHaveLength(1);
    const second = await token(account.username, { backupCode: backup! });
    expect(second.status).toBe(401);
    expect(await errorOf(second)).toBe("invalid_code");
    const unused = await query(`SELECT "id" FROM "BackupCode" WHERE "userId" = $1 AND "usedAt" IS NULL`, [account.id]);
    expect(unused).toHaveLength(9);
  });

  it("counts wrong codes against the per-username limit: then even the right code is refused", async () => {
    const account = await enrolled("totp-limit");
    const statuses: number[] = [];
    for (let attempt = 0; attempt < perUsername; attempt++) statuses.push((await token(account.username, { code: "000000" })).status);
    // A wrong code costs its password check and its code check; the limit ends the guessing within perUsername tries.
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(Math.ceil(perUsername / 2));
    expect((await token(account.username, { code: codeAt(account.secret, account.step + 1) })).status).toBe(429);
  });
});

describe("turning TOTP off", () => {
  it("needs a recent sign-in, then clears the secret and the backup codes", async () => {
    const account = await enrolled("totp-off");
    await ageSession(account.sessionId);
    const stale = await call("/api/auth/totp/disable", { method: "POST", cookie: account.cookie });
    expect(stale.status).toBe(403);
    expect(await errorOf(stale)).toBe("reauth_required");
    expect((await userRow(account.id)).totpEnabledAt).not.toBeNull();

    const fresh = await call("/api/users/authenticate", { json: { uid: account.username, password: TEST_PASSWORD, code: codeAt(account.secret, account.step + 1) } });
    const cookie = cookieHeader(sessionCookie(fresh)!);
    expect((await call("/api/auth/totp/disable", { method: "POST", cookie })).status).toBe(204);
    expect(await userRow(account.id)).toEqual({ totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    expect(await query(`SELECT "id" FROM "BackupCode" WHERE "userId" = $1`, [account.id])).toHaveLength(0);
    expect(await eventsOf(account.id, "totp_disabled")).toHaveLength(1);
    // The password alone signs in again.
    expect((await call("/api/auth/login", { json: { username: account.username, password: TEST_PASSWORD } })).status).toBe(200);
  });

  it("by an ADMIN for another user: recently signed in, recorded for that user", async () => {
    const account = await enrolled("totp-admin");
    const url = `/api/users/${account.id}/totp/disable`;
    const stranger = await register("totp-stranger");
    const refused = await call(url, { method: "POST", cookie: stranger.cookie });
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toBe("forbidden");

    const admin = await signInFully("hop", "123hop");
    expect((await call(`/api/users/${crypto.randomUUID()}/totp/disable`, { method: "POST", cookie: admin.access })).status).toBe(404);
    expect((await call("/api/users/not-a-uuid/totp/disable", { method: "POST", cookie: admin.access })).status).toBe(400);

    await ageSession(decodeClaims(admin.token).sid as string);
    const stale = await call(url, { method: "POST", cookie: admin.access });
    expect(stale.status).toBe(403);
    expect(await errorOf(stale)).toBe("reauth_required");

    const fresh = await signInFully("hop", "123hop");
    expect((await call(url, { method: "POST", cookie: fresh.access })).status).toBe(204);
    expect((await userRow(account.id)).totpEnabledAt).toBeNull();
    const events = await call("/api/admin/events?type=totp_disabled", { cookie: fresh.access });
    const listed = ((await json(events)).data as { events: { userId: string; username: string }[] }).events;
    expect(listed.filter((event) => event.userId === account.id)).toEqual([expect.objectContaining({ username: account.username })]);
  });
});

describe("other sensitive changes need a recent sign-in", () => {
  it("a new password", async () => {
    const account = await register("stepup-password");
    const change = { password: "another-good-long-password", currentPassword: TEST_PASSWORD };
    await ageSession(account.sessionId);
    const stale = await call(`/api/users/${account.id}`, { method: "PATCH", json: change, cookie: account.cookie });
    expect(stale.status).toBe(403);
    expect(await errorOf(stale)).toBe("reauth_required");
    // A name is not sensitive.
    expect((await call(`/api/users/${account.id}`, { method: "PATCH", json: { name: "Still Me" }, cookie: account.cookie })).status).toBe(200);
    const fresh = await signInFully(account.username, TEST_PASSWORD);
    expect((await call(`/api/users/${account.id}`, { method: "PATCH", json: change, cookie: fresh.access })).status).toBe(200);
  });

  it("a role change and deleting a user by an ADMIN", async () => {
    const target = await register("stepup-target");
    const admin = await signInFully("hop", "123hop");
    await ageSession(decodeClaims(admin.token).sid as string);
    const role = await call(`/api/users/${target.id}`, { method: "PATCH", json: { role: "ADMIN" }, cookie: admin.access });
    expect(role.status).toBe(403);
    expect(await errorOf(role)).toBe("reauth_required");
    const remove = await call(`/api/users/${target.id}`, { method: "DELETE", cookie: admin.access });
    expect(await errorOf(remove)).toBe("reauth_required");
    expect((await call(`/api/users/${target.id}`, { cookie: admin.access })).status).toBe(200);
  });
});
