/**
 * What the second outside attack found in the second factor and the passkey
 * routes, attacked again over HTTP:
 *
 * - a TOTP set-up pending in one session, read and turned on from another
 *   (fresh, or older than STEP_UP_MAX_AGE), and the takeover it opened: the
 *   backup codes that turning TOTP on hands out pass step-up, and then the
 *   address and password are the thief's; and the mail that tells the owner
 *   TOTP was turned on;
 * - the anonymous passkey routes flooded, and fed assertions that answer no
 *   ceremony; the second step's options read for the account's credential
 *   IDs; two passkey ceremonies of different purposes in one browser;
 * - TRACE, which Next.js cannot serve, and other methods no route serves.
 */
import { request as httpRequest } from "node:http";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { CookieJar, cookieHeader, SESSION_COOKIE, setCookies } from "@/tools/cookies";
import { ageSignIn, query, throwawayAccounts } from "../support/database";
import { BASE_URL, call, randomClientIp, registerSignedIn, signInFully, TEST_PASSWORD } from "@/tools/http-client";
import { waitForMail } from "../support/mailbox";
import { failures, ORIGIN, passkeyAccounts, RP_ID, signInOptions, verify } from "../support/passkey-ceremonies";
import { mailAccounts } from "../support/recovery";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { decodeClaims } from "../support/tokens";
import { awayFromStepEdge, totpCode } from "../support/totp";

const settings = parseConfig(process.env);
const { perIp } = settings.rateLimits;
const signedInAccount = throwawayAccounts(registerSignedIn);
const mail = mailAccounts();
const { userWithPasskey } = passkeyAccounts();

const errorOf = async (response: Response) => (await response.json()).error;

/** Moves a session's last proof of identity back past STEP_UP_MAX_AGE, as a session stolen a while ago. */
const agePastStepUp = (sessionId: string) => ageSignIn(sessionId, settings.stepUpMaxAge + 60);

const sessionIdOf = (token: string) => decodeClaims(token).sid as string;

/** Sets up an authenticator app in the session of `cookie` and returns the new secret. */
async function setUp(cookie: string): Promise<string> {
  const response = await call("/api/auth/totp/setup", { method: "POST", cookie });
  expect(response.status).toBe(200);
  return (await response.json()).data.secret;
}

const enable = (cookie: string, code: string) => call("/api/auth/totp/enable", { json: { code }, cookie });

async function totpIsOn(userId: string): Promise<boolean> {
  const [row] = await query<{ on: boolean }>(`SELECT "totpEnabledAt" IS NOT NULL AS "on" FROM "User" WHERE "id" = $1`, [userId]);
  return row!.on;
}

const dashboard = async (cookie: string) => (await call("/dashboard", { cookie })).text();

/** The new access cookie a re-authentication set. */
function renewedSession(response: Response): string {
  const cookie = setCookies(response).find((set) => set.name === SESSION_COOKIE && set.value !== "");
  expect(cookie).toBeDefined();
  return cookieHeader(cookie!);
}

describe("a TOTP set-up in progress belongs to the session that started it", () => {
  it("another session of the account, signed in just now, neither sees its secret nor turns it on", async () => {
    await awayFromStepEdge();
    const user = await signedInAccount("totp-other-session");
    const owner = user;
    const thief = await signInFully(user.username, user.password);
    const secret = await setUp(owner.access);

    expect(await dashboard(owner.access)).toContain(secret);
    const seen = await dashboard(thief.access);
    expect(seen).not.toContain(secret);
    expect(seen).toContain("Set up an authenticator app");

    const taken = await enable(thief.access, totpCode(secret));
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toBe("conflict");
    expect(await totpIsOn(user.id)).toBe(false);

    // The owner's own set-up is untouched.
    expect((await enable(owner.access, totpCode(secret))).status).toBe(200);
    expect(await totpIsOn(user.id)).toBe(true);
  });

  it("another session's own set-up replaces it: the first one's code then turns nothing on", async () => {
    await awayFromStepEdge();
    const user = await signedInAccount("totp-replaced");
    const first = user;
    const second = await signInFully(user.username, user.password);
    const firstSecret = await setUp(first.access);
    const secondSecret = await setUp(second.access);

    expect(await dashboard(first.access)).not.toContain(firstSecret);
    expect(await dashboard(first.access)).not.toContain(secondSecret);
    expect((await enable(first.access, totpCode(firstSecret))).status).toBe(409);
    expect((await enable(first.access, totpCode(secondSecret))).status).toBe(409);
    expect(await totpIsOn(user.id)).toBe(false);
    expect((await enable(second.access, totpCode(secondSecret))).status).toBe(200);
  });

  it("turning it on needs a sign-in within STEP_UP_MAX_AGE, even in the session that set it up: 403 reauth_required", async () => {
    await awayFromStepEdge();
    const user = await signedInAccount("totp-aged");
    const signed = user;
    const secret = await setUp(signed.access);
    await agePastStepUp(sessionIdOf(signed.token));

    const aged = await enable(signed.access, totpCode(secret));
    expect(aged.status).toBe(403);
    expect(await aged.json()).toMatchObject({ error: "reauth_required", data: null });
    expect(await totpIsOn(user.id)).toBe(false);

    // Re-authenticating keeps the session, and with it the set-up.
    const reauth = await call("/api/auth/reauth", { json: { password: TEST_PASSWORD }, cookie: signed.access });
    expect(reauth.status).toBe(204);
    const renewed = renewedSession(reauth);
    expect(await dashboard(renewed)).toContain(secret);
    expect((await enable(renewed, totpCode(secret))).status).toBe(200);
  });

  it("the takeover chain: a stolen, aged session cannot read the owner's abandoned set-up, turn it on, pass step-up or change the address", async () => {
    await awayFromStepEdge();
    const owner = await mail.verified("totp-takeover");
    const stolen = await signInFully(owner.username, owner.password);
    await agePastStepUp(sessionIdOf(stolen.token));
    // The owner starts setting up an authenticator app, and leaves it.
    const secret = await setUp(owner.cookie);

    // 1. The dashboard shows the thief no secret to copy.
    expect(await dashboard(stolen.access)).not.toContain(secret);
    // 2. Even with the secret, turning TOTP on (which would hand out backup codes) needs a recent sign-in.
    const enabled = await enable(stolen.access, totpCode(secret));
    expect(enabled.status).toBe(403);
    expect(await errorOf(enabled)).toBe("reauth_required");
    // 3. Starting a set-up of its own needs one too.
    expect(await errorOf(await call("/api/auth/totp/setup", { method: "POST", cookie: stolen.access }))).toBe("reauth_required");
    // 4. Without a backup code there is nothing to re-authenticate with but the password the thief lacks.
    const guessed = await call("/api/auth/reauth", { json: { backupCode: "aaaaa-aaaaa" }, cookie: stolen.access });
    expect(guessed.status).toBeGreaterThanOrEqual(400);
    // 5. So the address, and with it the recovery, stays the owner's.
    const moved = await call(`/api/users/${owner.id}`, { method: "PATCH", json: { email: "thief@example.test" }, cookie: stolen.access });
    expect(moved.status).toBe(403);
    expect(await errorOf(moved)).toBe("reauth_required");

    const [row] = await query<{ email: string; on: boolean }>(`SELECT "email", "totpEnabledAt" IS NOT NULL AS "on" FROM "User" WHERE "id" = $1`, [owner.id]);
    expect(row).toEqual({ email: owner.email, on: false });
    expect((await enable(owner.cookie, totpCode(secret))).status).toBe(200);
  });

  it("turning it on mails a notice to the confirmed address", async () => {
    await awayFromStepEdge();
    const owner = await mail.verified("totp-notice");
    const secret = await setUp(owner.cookie);
    const asked = new Date();
    expect((await enable(owner.cookie, totpCode(secret))).status).toBe(200);
    const notice = await waitForMail(owner.email, { subject: /two-factor sign-in was turned on/i, after: asked });
    expect(notice.text).toContain("Two-factor sign-in with an authenticator app was turned on for your account");
    expect(notice.text).not.toContain(secret);
  });
});

describe("the anonymous passkey sign-in routes", () => {
  it(`are limited per client address: of ${perIp + 20} option requests at once, ${perIp} are answered and the rest are 429 with Retry-After`, async () => {
    const headers = { "x-forwarded-for": randomClientIp() };
    const answers = await Promise.all(
      Array.from({ length: perIp + 20 }, () => call("/api/auth/passkeys/sign-in/options", { json: { purpose: "sign-in" }, headers })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(perIp);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: "rate_limited", data: null, message: expect.any(String) });

    // The verify route counts against the same limit; another address is not affected.
    const junk = { id: "AAAA", rawId: "AAAA", type: "public-key", response: { clientDataJSON: "", authenticatorData: "", signature: "" } };
    expect((await call("/api/auth/passkeys/sign-in/verify", { json: { response: junk }, headers })).status).toBe(429);
    expect((await call("/api/auth/passkeys/sign-in/options", { json: { purpose: "sign-in" } })).status).toBe(200);
  });

  it("record no passkey_failure against a credential's owner for an answer to no ceremony: none, unknown, used or expired", async () => {
    const { userId, authenticator } = await userWithPasskey();
    const before = await failures(userId);
    const anyChallenge = { challenge: randomBytes(32).toString("base64url") };

    const answers = [
      await call("/api/auth/passkeys/sign-in/verify", { json: { response: authenticator.assert(anyChallenge) } }),
      await call("/api/auth/passkeys/sign-in/verify", {
        json: { response: authenticator.assert(anyChallenge), purpose: "sign-in" },
        cookie: `__Host-tessera_challenge_sign_in=${randomBytes(32).toString("base64url")}`,
      }),
    ];
    const used = await signInOptions();
    const cookie = used.jar.header;
    expect((await verify(used.jar, authenticator.assert(used.options), { purpose: "sign-in" })).status).toBe(200);
    answers.push(await verify(new CookieJar(), authenticator.assert(used.options), { cookie, purpose: "sign-in" }));
    const expired = await signInOptions();
    await query(`UPDATE "AuthChallenge" SET "expiresAt" = now() - interval '1 second' WHERE "challenge" = $1`, [expired.options.challenge]);
    answers.push(await verify(expired.jar, authenticator.assert(expired.options), { purpose: "sign-in" }));

    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(await errorOf(answer)).toBe("invalid_challenge");
    }
    expect(await failures(userId)).toBe(before);

    // A refused answer to a ceremony that existed is still recorded.
    const real = await signInOptions();
    const refused = await verify(real.jar, authenticator.assert(real.options, { origin: "https://evil.example" }), { purpose: "sign-in" });
    expect(await errorOf(refused)).toBe("passkey_rejected");
    expect(await failures(userId)).toBe(before + 1);
  });

  it("answer a right password's second step without the account's credential IDs, and still take only its own passkey", async () => {
    const { username, userId, authenticator } = await userWithPasskey();
    const other = await userWithPasskey();
    await query(`UPDATE "User" SET "totpEnabledAt" = now() WHERE "id" = $1`, [userId]);
    const jar = new CookieJar();
    expect(await errorOf(jar.keep(await call("/api/auth/login", { json: { username, password: TEST_PASSWORD } })))).toBe("mfa_required");

    const first = await signInOptions("second-factor", jar);
    expect(first.options.allowCredentials ?? []).toEqual([]);
    expect(JSON.stringify(first.options)).not.toContain(authenticator.id);
    const wrong = await verify(jar, other.authenticator.assert(first.options), { purpose: "second-factor" });
    expect(await errorOf(wrong)).toBe("passkey_rejected");

    const { options } = await signInOptions("second-factor", jar);
    const answer = await verify(jar, authenticator.assert(options), { purpose: "second-factor" });
    expect(answer.status).toBe(200);
    expect(decodeClaims(jar.get(SESSION_COOKIE)!).amr).toEqual(["pwd", "hwk", "mfa"]);
  });
});

describe("passkey ceremonies of different purposes in one browser", () => {
  it("a second step started, then a passkey sign-in (the sign-in page's autofill in another tab): both complete", async () => {
    const { username, userId, authenticator } = await userWithPasskey();
    await query(`UPDATE "User" SET "totpEnabledAt" = now() WHERE "id" = $1`, [userId]);
    const jar = new CookieJar();
    expect(await errorOf(jar.keep(await call("/api/auth/login", { json: { username, password: TEST_PASSWORD } })))).toBe("mfa_required");

    const secondStep = await signInOptions("second-factor", jar);
    const autofill = await signInOptions("sign-in", jar);
    const finished = await verify(jar, authenticator.assert(secondStep.options), { purpose: "second-factor" });
    expect(finished.status).toBe(200);
    expect(decodeClaims(jar.get(SESSION_COOKIE)!).amr).toEqual(["pwd", "hwk", "mfa"]);
    const signedIn = await verify(jar, authenticator.assert(autofill.options), { purpose: "sign-in" });
    expect(signedIn.status).toBe(200);
    expect(decodeClaims(jar.get(SESSION_COOKIE)!).amr).toEqual(["hwk", "mfa"]);
  });

  it("adding a passkey, then re-authenticating with another one: both complete", async () => {
    const { jar, authenticator } = await userWithPasskey();
    const added = new SoftAuthenticator(RP_ID, ORIGIN);
    const register = jar.keep(await call("/api/auth/passkeys/register/options", { method: "POST", json: {}, cookie: jar.header }));
    const registration = (await register.json()).data.options;
    const reauth = await signInOptions("reauth", jar);

    expect((await verify(jar, authenticator.assert(reauth.options), { purpose: "reauth" })).status).toBe(200);
    const stored = await call("/api/auth/passkeys/register/verify", { json: { response: added.register(registration) }, cookie: jar.header });
    expect(stored.status).toBe(201);
  });

  it("an answer without a purpose finishes the one ceremony in progress, and must name one when there are several", async () => {
    // One account: a browser of its own signs in with the passkey, and the registering browser, signed in, starts two.
    const signedIn = await userWithPasskey();
    const single = await signInOptions("sign-in");
    expect((await verify(single.jar, signedIn.authenticator.assert(single.options))).status).toBe(200);

    const reauth = await signInOptions("reauth", signedIn.jar);
    await signInOptions("sign-in", signedIn.jar);
    const unsure = await verify(signedIn.jar, signedIn.authenticator.assert(reauth.options));
    expect(unsure.status).toBe(400);
    expect(await unsure.json()).toMatchObject({ error: "validation_error", fields: { purpose: expect.any(String) } });
  });
});

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request fetch() refuses to send (TRACE, CONNECT, WebDAV's methods), over plain node:http. */
function rawRequest(method: string, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const url = new URL(path, BASE_URL);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: url.hostname, port: url.port, path, method, headers: { "x-forwarded-for": randomClientIp(), ...headers } });
    const collect = (response: import("node:http").IncomingMessage) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    };
    request.on("response", collect);
    // A CONNECT's answer arrives as a tunnel's, whatever its status.
    request.on("connect", (response, socket) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: "" });
      socket.destroy();
    });
    request.on("error", reject);
    request.end();
  });
}

describe("methods a route does not serve", () => {
  it.each([
    ["TRACE", "/api/auth/login", "POST, OPTIONS"],
    ["TRACE", "/api/health", "GET, HEAD, OPTIONS"],
    ["TRACE", "/api/auth/passkeys/sign-in/options", "POST, OPTIONS"],
    ["PROPFIND", "/api/auth/login", "POST, OPTIONS"],
    ["SEARCH", "/api/auth/refresh", "GET, POST, HEAD, OPTIONS"],
  ])("%s %s is 405 method_not_allowed in the envelope, with Allow", async (method, path, allow) => {
    const answer = await rawRequest(method, path);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe(allow);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toMatchObject({ error: "method_not_allowed", data: null, message: expect.any(String) });
  });

  it("TRACE on a path no API route handles is the envelope's 404, as every method there is", async () => {
    const answer = await rawRequest("TRACE", "/api/no-such-route");
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: "not_found", data: null });
  });

  it("a client cannot send the server's own marker to turn a GET into a 405", async () => {
    const answer = await call("/api/health", { headers: { "x-tessera-refused-method": "TRACE" } });
    expect(answer.status).toBe(200);
  });

  it.each([
    ["TRACE", "/"],
    ["TRACE", "/login"],
    ["TRACE", "/dashboard"],
    ["TRACE", "/.well-known/jwks.json"],
    ["PROPFIND", "/login"],
    ["CONNECT", "/login"],
  ])("%s %s is a plain 405 with Allow, not a 500 or the page", async (method, path) => {
    const answer = await rawRequest(method, path);
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("GET, HEAD, POST");
    if (method !== "CONNECT") expect(answer.body).toBe("Method Not Allowed\n");
  });
});
