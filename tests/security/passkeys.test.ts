/**
 * Attacks on passkeys, over HTTP with a software authenticator
 * (tests/support/soft-authenticator.ts): replayed assertions, reused and
 * expired challenges, a wrong origin or RP ID, a counter that does not rise,
 * a passkey without user verification, someone else's passkey. Each is
 * refused, and recorded as a `passkey_failure` event when it answered a
 * ceremony that existed; a passkey that checks out signs in with `amr`
 * ["hwk", "mfa"].
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { call, TEST_PASSWORD } from "@/tools/http-client";
import { CookieJar } from "@/tools/cookies";
import { ageSignIn, query } from "../support/database";
import { failures, ORIGIN, passkeyAccounts, RP_ID, signInOptions, verify } from "../support/passkey-ceremonies";
import { FLAGS, SoftAuthenticator, type Bend } from "../support/soft-authenticator";
import { decodeClaims } from "../support/tokens";

const errorOf = async (response: Response) => (await response.json()).error;
const { perUsername } = parseConfig(process.env).rateLimits;

/** The accounts this file makes are deleted once it has run, so they push no other test's user onto another admin page. */
const { freshAccount, userWithPasskey } = passkeyAccounts();

type PasskeyUser = Awaited<ReturnType<typeof userWithPasskey>>;
let subjectAccount: Promise<PasskeyUser> | undefined;
let bystanderAccount: Promise<PasskeyUser> | undefined;
/**
 * One account with a passkey for the tests that only sign in with it or try to: each counts its
 * failures from where it finds them, so they can share it (a registration is a bcrypt hash).
 */
const subject = () => (subjectAccount ??= userWithPasskey());
/** Another user's account with a passkey, whose key and session the tests present where they must not count. */
const bystander = () => (bystanderAccount ??= userWithPasskey());

/** Signs in with `bend` applied to the assertion and expects `status`/`code` and one more failure event. */
async function expectRefused(bend: Bend, status: number, code: string) {
  const { userId, authenticator } = await subject();
  const before = await failures(userId);
  const { jar, options } = await signInOptions();
  const answer = await verify(jar, authenticator.assert(options, bend));
  expect(answer.status).toBe(status);
  expect(await errorOf(answer)).toBe(code);
  expect(accessClaimsOf(jar)).toBeUndefined();
  expect(await failures(userId)).toBe(before + 1);
}

function accessClaimsOf(jar: CookieJar) {
  const token = /(?:^|; )(?:__Host-)?tessera_session=([^;]+)/.exec(jar.header)?.[1];
  return token ? decodeClaims(token) : undefined;
}

function accessClaims(jar: CookieJar) {
  const claims = accessClaimsOf(jar);
  expect(claims).toBeDefined();
  return claims!;
}

describe("a passkey sign-in", () => {
  it("that checks out opens a session whose token says amr [hwk, mfa], and lists the passkey as used", async () => {
    const { userId, authenticator } = await subject();
    const { jar, options } = await signInOptions();
    expect(options.allowCredentials ?? []).toEqual([]);
    const answer = await verify(jar, authenticator.assert(options));
    expect(answer.status).toBe(200);
    expect((await answer.json()).data.user.id).toBe(userId);
    const claims = accessClaims(jar);
    expect(claims.sub).toBe(userId);
    expect(claims.amr).toEqual(["hwk", "mfa"]);
    const list = await call("/api/auth/passkeys", { cookie: jar.header });
    const [passkey] = (await list.json()).data.passkeys;
    expect(passkey).toMatchObject({ id: authenticator.id, name: "Test key", deviceType: "singleDevice" });
    expect(passkey.lastUsedAt).not.toBeNull();
  });

  // A used or expired challenge is no ceremony any more: the answer is refused, and recorded against
  // nobody, so that junk naming someone's credential ID cannot fill their events (attack-round-two-factors.test.ts).
  it("replayed (the same assertion with the same cookie) is 400 invalid_challenge", async () => {
    const { userId, authenticator } = await subject();
    const { jar, options } = await signInOptions();
    const cookie = jar.header;
    const assertion = authenticator.assert(options);
    expect((await verify(jar, assertion, { cookie })).status).toBe(200);
    const before = await failures(userId);
    const replay = await verify(new CookieJar(), assertion, { cookie });
    expect(replay.status).toBe(400);
    expect(await errorOf(replay)).toBe("invalid_challenge");
    expect(await failures(userId)).toBe(before);
  });

  it("reusing a challenge for a second, freshly signed assertion is 400 invalid_challenge", async () => {
    const { userId, authenticator } = await subject();
    const { jar, options } = await signInOptions();
    const cookie = jar.header;
    expect((await verify(jar, authenticator.assert(options), { cookie })).status).toBe(200);
    const before = await failures(userId);
    const again = await verify(new CookieJar(), authenticator.assert(options), { cookie });
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toBe("invalid_challenge");
    expect(await failures(userId)).toBe(before);
  });

  it("whose challenge has expired is 400 invalid_challenge", async () => {
    const { userId, authenticator } = await subject();
    const { jar, options } = await signInOptions();
    await query(`UPDATE "AuthChallenge" SET "expiresAt" = now() - interval '1 second' WHERE "challenge" = $1`, [options.challenge]);
    const before = await failures(userId);
    const answer = await verify(jar, authenticator.assert(options));
    expect(answer.status).toBe(400);
    expect(await errorOf(answer)).toBe("invalid_challenge");
    expect(await failures(userId)).toBe(before);
  });

  it("with another site's origin in clientDataJSON is 401 passkey_rejected", async () => {
    await expectRefused({ origin: "https://evil.example" }, 401, "passkey_rejected");
  });

  it("signed for another RP ID is 401 passkey_rejected", async () => {
    await expectRefused({ rpId: "evil.example" }, 401, "passkey_rejected");
  });

  it("without user verification is 401 passkey_rejected: a passwordless sign-in needs it", async () => {
    await expectRefused({ flags: FLAGS.UP }, 401, "passkey_rejected");
  });

  it("answering a registration challenge type is 401 passkey_rejected", async () => {
    await expectRefused({ type: "webauthn.create" }, 401, "passkey_rejected");
  });

  it("with a signature counter that does not rise is 401 passkey_rejected (a cloned authenticator)", async () => {
    const { userId, authenticator } = await userWithPasskey();
    const first = await signInOptions();
    expect((await verify(first.jar, authenticator.assert(first.options, { counter: 5 }))).status).toBe(200);
    const before = await failures(userId);
    for (const counter of [5, 4]) {
      const { jar, options } = await signInOptions();
      const answer = await verify(jar, authenticator.assert(options, { counter }));
      expect(answer.status).toBe(401);
      expect(await errorOf(answer)).toBe("passkey_rejected");
    }
    expect(await failures(userId)).toBe(before + 2);
    const next = await signInOptions();
    expect((await verify(next.jar, authenticator.assert(next.options, { counter: 6 }))).status).toBe(200);
  });

  it("with a tampered signature, or a user handle that is not the key's owner, is 401 passkey_rejected", async () => {
    const { authenticator } = await subject();
    const other = await bystander();
    const first = await signInOptions();
    const forged = authenticator.assert(first.options);
    forged.response.signature = other.authenticator.assert(first.options).response.signature;
    expect(await errorOf(await verify(first.jar, forged))).toBe("passkey_rejected");
    const second = await signInOptions();
    const borrowed = authenticator.assert(second.options);
    borrowed.response.userHandle = other.authenticator.userHandle;
    expect(await errorOf(await verify(second.jar, borrowed))).toBe("passkey_rejected");
  });

  it("with an unknown credential is 401 passkey_rejected", async () => {
    const stranger = new SoftAuthenticator(RP_ID, ORIGIN);
    const { jar, options } = await signInOptions();
    const answer = await verify(jar, stranger.assert(options));
    expect(answer.status).toBe(401);
    expect(await errorOf(answer)).toBe("passkey_rejected");
  });
});

describe("re-authenticating with a passkey", () => {
  it("accepts the user's own passkey and refuses another user's", async () => {
    const { jar, authenticator } = await userWithPasskey();
    const other = await bystander();
    const first = await signInOptions("reauth", jar);
    expect(first.options.allowCredentials?.map(({ id }) => id)).toEqual([authenticator.id]);
    const wrong = await verify(jar, other.authenticator.assert(first.options));
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toBe("passkey_rejected");
    const { options } = await signInOptions("reauth", jar);
    const answer = await verify(jar, authenticator.assert(options));
    expect(answer.status).toBe(200);
    expect(accessClaims(jar).amr).toEqual(["hwk", "mfa"]);
  });
});

describe("a passkey as the second step of a password sign-in", () => {
  it("completes the pending sign-in of its own user only, with amr [pwd, hwk, mfa]", async () => {
    const { username, userId, authenticator } = await userWithPasskey();
    const other = await bystander();
    // A second factor is on, as TOTP would turn it on: the password alone leaves a pending sign-in.
    await query(`UPDATE "User" SET "totpEnabledAt" = now() WHERE "id" = $1`, [userId]);
    const jar = new CookieJar();
    const password = jar.keep(await call("/api/auth/login", { json: { username, password: TEST_PASSWORD } }));
    expect(await errorOf(password)).toBe("mfa_required");

    // Discoverable: someone with only the password learns no credential ID.
    const first = await signInOptions("second-factor", jar);
    expect(first.options.allowCredentials ?? []).toEqual([]);
    const wrong = await verify(jar, other.authenticator.assert(first.options));
    expect(await errorOf(wrong)).toBe("passkey_rejected");
    expect(accessClaimsOf(jar)).toBeUndefined();

    const { options } = await signInOptions("second-factor", jar);
    const answer = await verify(jar, authenticator.assert(options));
    expect(answer.status).toBe(200);
    expect(accessClaims(jar).amr).toEqual(["pwd", "hwk", "mfa"]);
  });

  it("clears the password's count once it completes: sign-ins finished with a passkey never lock the owner out", async () => {
    const { username, userId, authenticator } = await userWithPasskey();
    await query(`UPDATE "User" SET "totpEnabledAt" = now() WHERE "id" = $1`, [userId]);
    for (let round = 0; round <= perUsername; round++) {
      const jar = new CookieJar();
      const password = jar.keep(await call("/api/auth/login", { json: { username, password: TEST_PASSWORD } }));
      expect(await errorOf(password), `round ${round}`).toBe("mfa_required");
      const { options } = await signInOptions("second-factor", jar);
      expect((await verify(jar, authenticator.assert(options))).status, `round ${round}`).toBe(200);
    }
  });

  it("needs a pending sign-in: without one, options are 400 invalid_challenge", async () => {
    const answer = await call("/api/auth/passkeys/sign-in/options", { json: { purpose: "second-factor" } });
    expect(answer.status).toBe(400);
    expect(await errorOf(answer)).toBe("invalid_challenge");
  });
});

describe("managing passkeys", () => {
  it("needs a recent sign-in to add or remove one: 403 reauth_required", async () => {
    const { jar, authenticator } = await userWithPasskey();
    const sid = String(accessClaims(jar).sid);
    await ageSignIn(sid, 24 * 3600);
    const add = await call("/api/auth/passkeys/register/options", { method: "POST", json: {}, cookie: jar.header });
    expect(add.status).toBe(403);
    expect(await errorOf(add)).toBe("reauth_required");
    const remove = await call(`/api/auth/passkeys/${authenticator.id}`, { method: "DELETE", cookie: jar.header });
    expect(await errorOf(remove)).toBe("reauth_required");
    // Re-authenticating with the passkey itself opens the window again.
    const { options } = await signInOptions("reauth", jar);
    expect((await verify(jar, authenticator.assert(options))).status).toBe(200);
    expect((await call(`/api/auth/passkeys/${authenticator.id}`, { method: "DELETE", cookie: jar.header })).status).toBe(204);
  });


  it("refuses registration without a signed-in user, and another user's passkey is not found", async () => {
    expect((await call("/api/auth/passkeys/register/options", { method: "POST", json: {} })).status).toBe(401);
    const owner = await userWithPasskey();
    const intruder = await bystander();
    const path = `/api/auth/passkeys/${owner.authenticator.id}`;
    expect(await errorOf(await call(path, { method: "PATCH", json: { name: "Mine now" }, cookie: intruder.jar.header }))).toBe("not_found");
    expect(await errorOf(await call(path, { method: "DELETE", cookie: intruder.jar.header }))).toBe("not_found");
    const list = await call("/api/auth/passkeys", { cookie: owner.jar.header });
    expect((await list.json()).data.passkeys).toMatchObject([{ id: owner.authenticator.id, name: "Test key" }]);
  });

  it("refuses a registration answered for another origin, and records it", async () => {
    const jar = new CookieJar();
    const { userId } = await freshAccount(jar);
    const options = jar.keep(await call("/api/auth/passkeys/register/options", { method: "POST", json: {}, cookie: jar.header }));
    const response = new SoftAuthenticator(RP_ID, ORIGIN).register((await options.json()).data.options, { origin: "https://evil.example" });
    const answer = await call("/api/auth/passkeys/register/verify", { json: { response }, cookie: jar.header });
    expect(answer.status).toBe(401);
    expect(await errorOf(answer)).toBe("passkey_rejected");
    expect(await failures(userId)).toBe(1);
  });
});
