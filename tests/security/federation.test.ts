/**
 * Signing in with an outside identity, attacked over real HTTP against the
 * certified `oidc-provider` and the GitHub stand-in that `npm test` runs over
 * https: a state from another browser, a missing or replayed one, a replayed
 * code, login CSRF with the attacker's callback URL, ID tokens with another
 * nonce, audience or issuer, `alg: none`, an expired one, a mix-up `iss`, an
 * email that matches a local account's (unverified, or verified by a provider
 * not trusted for email), an off-site `next`, connecting an identity that
 * belongs to someone else, disconnecting the last way in, connecting without
 * step-up, and a step-up whose provider did not really sign the user in again.
 * Each failure must end on a page that says why, with no session.
 */
import { afterAll, describe, expect, it } from "vitest";
import { call, registerSignedIn, uniqueName } from "@/tools/http-client";
import { PENDING_COOKIE, SESSION_COOKIE, setCookies } from "@/tools/cookies";
import { parseConfig } from "@/lib/config";
import { ageSignIn, deleteUsers, query, throwawayAccounts } from "../support/database";
import { FederationBrowser, GITHUB_URL, uniqueSubject, type OidcAccount } from "../support/federation";
import { decodeClaims } from "../support/tokens";
import { enrolTotp, totpCode } from "../support/totp";

const { stepUpMaxAge, rateLimits } = parseConfig(process.env);
const registerUser = throwawayAccounts();
const signedInAccount = throwawayAccounts(registerSignedIn);
const madeByProviders: string[] = [];
afterAll(() => deleteUsers(madeByProviders));

const loginError = (location: string) => new URL(location, "http://x").searchParams.get("error");

/** The account this browser's session belongs to, and how it signed in. */
async function whoAmI(browser: FederationBrowser) {
  const response = await call("/api/auth/me", { cookie: browser.session ?? "" });
  expect(response.status).toBe(200);
  const { data } = await response.json();
  return data as { user: { id: string; username: string; name: string; email: string | null; emailVerified: boolean }; claims: { amr: string[]; sid: string; auth_time: number } };
}

/** A new identity signs in: a browser with its own account (cleaned up afterwards). */
async function federatedAccount(prefix: string, account: Partial<OidcAccount> = {}) {
  const browser = new FederationBrowser();
  const identity: OidcAccount = { sub: uniqueSubject(prefix), name: "Federated Person", ...account };
  expect(await browser.signInWithOidc(identity)).toBe("/dashboard");
  const me = await whoAmI(browser);
  madeByProviders.push(me.user.id);
  return { browser, identity, me };
}

async function userRow(id: string) {
  const [row] = await query<{ passwordHash: string | null; email: string | null; emailVerifiedAt: Date | null }>(
    `SELECT "passwordHash", "email", "emailVerifiedAt" FROM "User" WHERE "id" = $1`,
    [id],
  );
  return row!;
}

/** A password account whose email address is confirmed. */
async function localAccountWithEmail(prefix: string) {
  const user = await registerUser(prefix);
  const email = `${uniqueName(prefix)}@example.test`;
  await query(`UPDATE "User" SET "email" = $2, "emailVerifiedAt" = now() WHERE "id" = $1`, [user.id, email]);
  return { ...user, email };
}

describe("signing in with an OpenID Provider", () => {
  it("creates an account for a new identity: amr [fed], no password, the flow cookie HttpOnly for 10 minutes and single use", async () => {
    const browser = new FederationBrowser();
    const start = await browser.fetch("/api/auth/oauth/oidc?next=/?from=sso");
    expect(start.status).toBe(303);
    const authorization = new URL(start.headers.get("location")!);
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorization.searchParams.get("scope")).toBe("openid email profile");
    expect(authorization.searchParams.get("redirect_uri")).toBe(`${process.env.APP_URL}/api/auth/oauth/oidc/callback`);
    for (const name of ["state", "nonce", "code_challenge"]) expect(authorization.searchParams.get(name)).toMatch(/^[\w-]{20,}$/);
    const flowCookie = setCookies(start).find((cookie) => cookie.name.endsWith("tessera_oauth"))!;
    expect(flowCookie.attributes).toMatchObject({ httponly: true, "max-age": "600", path: "/api/auth/oauth", samesite: "lax" });

    const sub = uniqueSubject("ada");
    const callback = await browser.atOidcProvider(authorization, { sub, email: `${sub}@example.test`, email_verified: true, name: "Ada Lovelace", preferred_username: "Ada.L" });
    expect(callback.searchParams.get("iss")).toBe(process.env.AUTH_OIDC_ISSUER);
    expect(await browser.callback(callback)).toBe("/?from=sso");
    const me = await whoAmI(browser);
    madeByProviders.push(me.user.id);
    expect(me.claims.amr).toEqual(["fed"]);
    expect(me.user).toMatchObject({ name: "Ada Lovelace", email: `${sub}@example.test`, emailVerified: true });
    expect(me.user.username).toMatch(/^ada\.l(-\d+)?$/);
    expect((await userRow(me.user.id)).passwordHash).toBeNull();

    // The same answer again: its flow is gone.
    const replay = new FederationBrowser();
    expect(loginError(await replay.callback(callback))).toBe("federation_state");
    expect(replay.session).toBeUndefined();
    // A password sign-in to the account made by the provider fails like any wrong password.
    expect((await call("/api/auth/login", { json: { username: me.user.username, password: "any-password-at-all" } })).status).toBe(401);
  });

  it("signs a known identity in to its account even after its email changed, and lists the connection", async () => {
    const { identity, me } = await federatedAccount("known");
    const again = new FederationBrowser();
    expect(await again.signInWithOidc({ ...identity, email: "changed@example.test", email_verified: true })).toBe("/dashboard");
    expect((await whoAmI(again)).user.id).toBe(me.user.id);
    const listed = await call("/api/auth/connected-accounts", { cookie: again.session! });
    const { connectedAccounts } = (await listed.json()).data;
    expect(connectedAccounts).toEqual([expect.objectContaining({ provider: "oidc", providerLabel: "Test SSO", email: "changed@example.test" })]);
  });

  it("refuses a state from another browser, and login CSRF with the attacker's callback URL", async () => {
    const attacker = new FederationBrowser();
    const attackersAnswer = await attacker.atOidcProvider(await attacker.start("oidc"), { sub: uniqueSubject("attacker") });
    // The victim, with no flow of its own and with one in progress: the attacker's answer signs nobody in.
    const victim = new FederationBrowser();
    expect(await victim.callback(attackersAnswer)).toBe("/login?error=federation_state");
    await victim.start("oidc");
    expect(await victim.callback(attackersAnswer)).toBe("/login?error=federation_state");
    expect(victim.session).toBeUndefined();
    expect(setCookies(await victim.fetch(attackersAnswer)).some((cookie) => cookie.name === SESSION_COOKIE && cookie.value)).toBe(false);
  });

  it("refuses a missing state, a replayed code and an expired flow", async () => {
    const browser = new FederationBrowser();
    const answer = await browser.atOidcProvider(await browser.start("oidc"), { sub: uniqueSubject("nostate") });
    const withoutState = new URL(answer);
    withoutState.searchParams.delete("state");
    expect(await browser.callback(withoutState)).toBe("/login?error=federation_state");

    // The code again, with a fresh flow's state: the provider has seen the code, and its PKCE verifier was another.
    const used = await browser.atOidcProvider(await browser.start("oidc"), { sub: uniqueSubject("replay") });
    expect(await browser.callback(used)).toBe("/dashboard");
    madeByProviders.push((await whoAmI(browser)).user.id);
    const fresh = new FederationBrowser();
    const freshState = (await fresh.start("oidc")).searchParams.get("state")!;
    const replayed = new URL(used);
    replayed.searchParams.set("state", freshState);
    expect(await fresh.callback(replayed)).toBe("/login?error=federation_failed");
    expect(fresh.session).toBeUndefined();

    const late = new FederationBrowser();
    const lateAnswer = await late.atOidcProvider(await late.start("oidc"), { sub: uniqueSubject("late") });
    await query(`UPDATE "OAuthFlow" SET "expiresAt" = now() - interval '1 second' WHERE "state" = $1`, [lateAnswer.searchParams.get("state")]);
    expect(await late.callback(lateAnswer)).toBe("/login?error=federation_state");
  });

  it("refuses ID tokens with another nonce, audience or issuer, alg none, or an expiry in the past", async () => {
    for (const tamper of ["nonce", "audience", "issuer", "alg-none", "expired"] as const) {
      const browser = new FederationBrowser();
      const location = await browser.signInWithOidc({ sub: uniqueSubject(`bad-${tamper}`), tamper });
      expect(`${tamper}: ${location}`).toBe(`${tamper}: /login?error=federation_failed`);
      expect(browser.session).toBeUndefined();
    }
    const [row] = await query<{ count: string }>(`SELECT count(*) FROM "ConnectedAccount" WHERE "subject" LIKE 'bad-%'`);
    expect(Number(row!.count)).toBe(0);
  });

  it("refuses a mix-up: an answer whose iss names another provider", async () => {
    const browser = new FederationBrowser();
    const answer = await browser.atOidcProvider(await browser.start("oidc"), { sub: uniqueSubject("mixup") });
    answer.searchParams.set("iss", GITHUB_URL);
    expect(await browser.callback(answer)).toBe("/login?error=federation_failed");
    expect(browser.session).toBeUndefined();
  });

  it("says so when the user cancels at the provider", async () => {
    const browser = new FederationBrowser();
    const answer = await browser.atOidcProvider(await browser.start("oidc", "/dashboard?tab=1"), "deny");
    expect(answer.searchParams.get("error")).toBe("access_denied");
    const location = await browser.callback(answer);
    expect(loginError(location)).toBe("federation_denied");
    expect(new URL(location, "http://x").searchParams.get("next")).toBe("/dashboard?tab=1");
    const page = await (await call(location)).text();
    expect(page).toContain("The sign-in was cancelled at the provider");
  });

  it("never signs in to a local account by its email: unverified, it makes an account of its own; verified by an untrusted provider, it is refused", async () => {
    const local = await localAccountWithEmail("owner");
    const unverified = new FederationBrowser();
    expect(await unverified.signInWithOidc({ sub: uniqueSubject("claimer"), email: local.email, email_verified: false })).toBe("/dashboard");
    const me = await whoAmI(unverified);
    madeByProviders.push(me.user.id);
    expect(me.user.id).not.toBe(local.id);
    expect(me.user).toMatchObject({ email: local.email, emailVerified: false });

    const verified = new FederationBrowser();
    const location = await verified.signInWithOidc({ sub: uniqueSubject("verified"), email: local.email.toUpperCase(), email_verified: true });
    expect(location).toBe("/login?error=account_exists");
    expect(verified.session).toBeUndefined();
    expect(await (await call(location)).text()).toContain("An account with this email address already exists");
  });

  it("sends the user to a same-origin next only", async () => {
    for (const next of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
      const browser = new FederationBrowser();
      expect(await browser.signInWithOidc({ sub: uniqueSubject("next") }, next)).toBe("/dashboard");
      madeByProviders.push((await whoAmI(browser)).user.id);
    }
  });

  it("answers 404 in the envelope for a provider that is not configured", async () => {
    for (const path of ["/api/auth/oauth/google", "/api/auth/oauth/google/callback?code=x&state=y", "/api/auth/oauth/nope"]) {
      const response = await call(path);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: "not_found", data: null });
    }
  });

  it("limits starts and callbacks per client address", async () => {
    const browser = new FederationBrowser();
    // The allowance counts starts and callbacks alike; these callbacks carry no flow and cost no provider round trip.
    // A few at a time: a burst would hold the shared server's connections from the suites running beside this one.
    for (let sent = 0; sent < rateLimits.perIp; sent += 5) {
      await Promise.all(Array.from({ length: Math.min(5, rateLimits.perIp - sent) }, () => browser.fetch("/api/auth/oauth/oidc/callback?state=x&code=y")));
    }
    const [junk] = await query<{ count: string }>(`SELECT count(*) FROM "AuthEvent" WHERE "type" = 'federation_failure' AND "ip" = $1`, [browser.ip]);
    expect(Number(junk!.count)).toBe(0);
    const refused = await browser.fetch("/api/auth/oauth/oidc");
    expect(refused.headers.get("location")).toBe("/login?error=rate_limited");
  });
});

describe("a second factor after the provider", () => {
  it("is still asked for an account with TOTP on, and the session then says amr [fed, otp, mfa]", async () => {
    const { browser, identity } = await federatedAccount("totp");
    const { secret } = await enrolTotp(browser.session!);
    const again = new FederationBrowser();
    const location = await again.signInWithOidc(identity);
    expect(location).toBe("/login/verify?next=%2Fdashboard");
    expect(again.session).toBeUndefined();
    expect(again.jar().get(PENDING_COOKIE)).toBeDefined();
    const page = await (await again.fetch(location)).text();
    expect(page).toContain("You signed in with your provider.");
    const verified = await again.fetch("/api/auth/login/verify", { json: { code: totpCode(secret) } });
    expect(verified.status).toBe(200);
    expect((await whoAmI(again)).claims.amr).toEqual(["fed", "otp", "mfa"]);
  });
});

describe("connected accounts", () => {
  it("refuses to connect an identity that belongs to someone else, and connects one of your own after step-up", async () => {
    const { identity: taken } = await federatedAccount("taken");
    const user = await registerUser("connector");
    const browser = new FederationBrowser();
    expect((await browser.fetch("/api/auth/login", { json: { username: user.username, password: user.password } })).status).toBe(200);

    const start = await browser.fetch("/api/auth/oauth/oidc", { json: { intent: "connect" } });
    expect(start.status).toBe(200);
    const authorization = new URL((await start.json()).data.location);
    expect(await browser.callback(await browser.atOidcProvider(authorization, taken))).toBe("/dashboard?error=identity_taken");

    const own: OidcAccount = { sub: uniqueSubject("own") };
    const form = await browser.fetch("/api/auth/oauth/oidc", { form: { intent: "connect", next: "/dashboard" } });
    expect(form.status).toBe(303);
    expect(await browser.callback(await browser.atOidcProvider(new URL(form.headers.get("location")!), own))).toBe("/dashboard?connected=oidc");
    const other = new FederationBrowser();
    expect(await other.signInWithOidc(own)).toBe("/dashboard");
    expect((await whoAmI(other)).user.id).toBe(user.id);
    expect((await whoAmI(other)).claims.amr).toEqual(["fed"]);
    // An account with a password steps up with it: a provider does not stand in for it.
    const stepUp = await browser.fetch("/api/auth/oauth/oidc", { json: { intent: "reauth" } });
    expect(stepUp.status).toBe(403);
    expect((await stepUp.json()).error).toBe("forbidden");
  });

  it("refuses to start connecting without a recent sign-in", async () => {
    const signed = await signedInAccount("stale");
    await ageSignIn(decodeClaims(signed.token).sid as string, stepUpMaxAge + 60);
    const json = await call("/api/auth/oauth/oidc", { json: { intent: "connect" }, cookie: signed.access, headers: { origin: new URL(process.env.APP_URL!).origin } });
    expect(json.status).toBe(403);
    expect((await json.json()).error).toBe("reauth_required");
    const form = await call("/api/auth/oauth/oidc", { form: { intent: "connect", next: "/dashboard" }, cookie: signed.access, headers: { origin: new URL(process.env.APP_URL!).origin } });
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toBe("/reauth?next=%2Fdashboard");
    expect(setCookies(form).some((cookie) => cookie.name.endsWith("tessera_oauth"))).toBe(false);
  });

  it("refuses to disconnect the last way in with 409, and allows it once the account has a password", async () => {
    const { browser, me } = await federatedAccount("lastway");
    const [{ id }] = (await (await call("/api/auth/connected-accounts", { cookie: browser.session! })).json()).data.connectedAccounts;
    const origin = { origin: new URL(process.env.APP_URL!).origin };
    const refused = await call(`/api/auth/connected-accounts/${id}`, { method: "DELETE", cookie: browser.session!, headers: origin });
    expect(refused.status).toBe(409);
    expect((await refused.json()).message).toContain("last way to sign in");

    // A first password needs no current one (the sign-in is fresh); then the provider may go.
    const password = await call(`/api/users/${me.user.id}`, { method: "PATCH", json: { password: "a-first-good-password" }, cookie: browser.session!, headers: origin });
    expect(password.status).toBe(200);
    expect((await call(`/api/auth/connected-accounts/${id}`, { method: "DELETE", cookie: browser.session!, headers: origin })).status).toBe(204);
    expect((await call("/api/auth/login", { json: { username: me.user.username, password: "a-first-good-password" } })).status).toBe(200);
  });
});

describe("step-up through the provider, for an account without a password", () => {
  it("signs in at the provider again (prompt=login, max_age=0) and refuses an answer whose auth_time is old, or another identity", async () => {
    const { browser, identity, me } = await federatedAccount("stepup");
    await ageSignIn(me.claims.sid, stepUpMaxAge + 60);
    const reauth = async () => {
      const response = await browser.fetch("/api/auth/oauth/oidc", { form: { intent: "reauth", next: "/dashboard" } });
      expect(response.status).toBe(303);
      return new URL(response.headers.get("location")!);
    };

    const stale = await reauth();
    expect(stale.searchParams.get("prompt")).toBe("login");
    expect(stale.searchParams.get("max_age")).toBe("0");
    expect(await browser.callback(await browser.atOidcProvider(stale, { ...identity, tamper: "stale-auth-time" }))).toBe("/reauth?next=%2Fdashboard&error=federation_failed");
    expect(await browser.callback(await browser.atOidcProvider(await reauth(), { sub: uniqueSubject("stranger") }))).toBe("/reauth?next=%2Fdashboard&error=identity_mismatch");
    const freshSignIn = async () =>
      (await query<{ fresh: boolean }>(`SELECT "authTime" > now() - interval '60 seconds' AS fresh FROM "Session" WHERE "id" = $1`, [me.claims.sid]))[0]!.fresh;
    expect(await freshSignIn()).toBe(false);

    expect(await browser.callback(await browser.atOidcProvider(await reauth(), identity))).toBe("/dashboard");
    expect(await freshSignIn()).toBe(true);
    expect((await whoAmI(browser)).claims.amr).toEqual(["fed"]);
    const origin = { origin: new URL(process.env.APP_URL!).origin };
    expect((await call(`/api/users/${me.user.id}`, { method: "PATCH", json: { password: "now-a-good-password" }, cookie: browser.session!, headers: origin })).status).toBe(200);
  });
});

describe("signing in with GitHub", () => {
  it("keys the identity by GitHub's user id, takes only a verified address, and never links by email", async () => {
    const id = Math.floor(Math.random() * 1e9) + 1;
    const browser = new FederationBrowser();
    const address = `${uniqueName("octo")}@example.test`;
    const authorization = await browser.start("github");
    expect(authorization.origin).toBe(new URL(GITHUB_URL).origin);
    expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(await browser.callback(await browser.atGitHub(authorization, { id, login: "Octo-Cat", name: "Mona", email: address, verified: false }))).toBe("/dashboard");
    const me = await whoAmI(browser);
    madeByProviders.push(me.user.id);
    expect(me.user).toMatchObject({ email: null, name: "Mona" });
    expect(me.user.username).toMatch(/^octo-cat/);
    expect(me.claims.amr).toEqual(["fed"]);

    const local = await localAccountWithEmail("gh-owner");
    const another = new FederationBrowser();
    expect(await another.callback(await another.atGitHub(await another.start("github"), { id: id + 1, login: "someone", email: local.email, verified: true }))).toBe(
      "/login?error=account_exists",
    );
  });
});
