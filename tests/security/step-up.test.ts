/**
 * Step-up: a sensitive change (here, the password) needs a sign-in or a
 * re-authentication within STEP_UP_MAX_AGE. The attacks: a session whose
 * sign-in has aged, a token that claims a fresher `auth_time` than the
 * session row holds, a wrong password at re-authentication, and the password
 * alone for an account whose second factor it would then let someone remove.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { call, registerSignedIn, TEST_PASSWORD } from "@/tools/http-client";
import { cookieHeader, SESSION_COOKIE, setCookies } from "@/tools/cookies";
import { ageSignIn, query, throwawayAccounts } from "../support/database";
import { decodeClaims, forgeToken } from "../support/tokens";
import { enrolTotp, totpCode } from "../support/totp";

const { stepUpMaxAge } = parseConfig(process.env);
const signedInAccount = throwawayAccounts(registerSignedIn);

/** Moves the session's last proof of identity back past STEP_UP_MAX_AGE. */
const ageSignInPastStepUp = (sessionId: string) => ageSignIn(sessionId, stepUpMaxAge + 60);

const changePassword = (userId: string, cookie: string) =>
  call(`/api/users/${userId}`, { method: "PATCH", json: { password: "another-good-password", currentPassword: TEST_PASSWORD }, cookie });

async function freshAccount(prefix: string) {
  const signed = await signedInAccount(prefix);
  return { user: signed, signed, sessionId: decodeClaims(signed.token).sid as string };
}

function newSessionCookie(response: Response): string | undefined {
  const cookie = setCookies(response).find((set) => set.name === SESSION_COOKIE && set.value !== "");
  return cookie && cookieHeader(cookie);
}

describe("step-up before sensitive changes", () => {
  it("refuses a password change when the sign-in is older than STEP_UP_MAX_AGE", async () => {
    const { user, signed, sessionId } = await freshAccount("stepup-aged");
    await ageSignInPastStepUp(sessionId);
    const response = await changePassword(user.id, signed.access);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: "reauth_required", data: null });
  });

  it("reads the sign-in time from the session row: a token that claims a fresh auth_time does not help", async () => {
    const { user, signed, sessionId } = await freshAccount("stepup-forged");
    await ageSignInPastStepUp(sessionId);
    const forged = await forgeToken({ ...decodeClaims(signed.token), auth_time: Math.floor(Date.now() / 1000) });
    expect((await changePassword(user.id, `${SESSION_COOKIE}=${forged}`)).status).toBe(403);
  });

  it("lets the change through after re-authenticating with the password, with a new token that carries the new auth_time", async () => {
    const { user, signed, sessionId } = await freshAccount("stepup-reauth");
    await ageSignInPastStepUp(sessionId);
    const reauth = await call("/api/auth/reauth", { json: { password: user.password }, cookie: signed.access });
    expect(reauth.status).toBe(204);
    const cookie = newSessionCookie(reauth)!;
    const claims = decodeClaims(cookie.split("=")[1]!);
    expect(claims.sid).toBe(sessionId);
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(30);
    expect((await changePassword(user.id, cookie)).status).toBe(200);
  });

  it("does not re-authenticate with a wrong password, and records the failure", async () => {
    const { user, signed, sessionId } = await freshAccount("stepup-wrong");
    await ageSignInPastStepUp(sessionId);
    const reauth = await call("/api/auth/reauth", { json: { password: "not-the-password" }, cookie: signed.access });
    expect(reauth.status).toBe(401);
    expect((await reauth.json()).error).toBe("invalid_credentials");
    expect(newSessionCookie(reauth)).toBeUndefined();
    expect((await changePassword(user.id, signed.access)).status).toBe(403);
    const events = await query(`SELECT 1 FROM "AuthEvent" WHERE "userId" = $1 AND "type" = 'reauth_failure'`, [user.id]);
    expect(events).toHaveLength(1);
  });

  it("does not take the password alone from an account with TOTP on: a code re-authenticates it", async () => {
    const { user, signed, sessionId } = await freshAccount("stepup-totp");
    const { secret } = await enrolTotp(signed.access);
    await ageSignInPastStepUp(sessionId);
    const withPassword = await call("/api/auth/reauth", { json: { password: user.password }, cookie: signed.access });
    expect(withPassword.status).toBe(401);
    expect((await withPassword.json()).error).toBe("invalid_code");
    expect((await call("/api/auth/totp/disable", { method: "POST", cookie: signed.access })).status).toBe(403);

    const withCode = await call("/api/auth/reauth", { json: { code: totpCode(secret) }, cookie: signed.access });
    expect(withCode.status).toBe(204);
    expect(decodeClaims(newSessionCookie(withCode)!.split("=")[1]!).amr).toEqual(["otp"]);
  });

  it("needs a signed-in session to re-authenticate at all", async () => {
    const response = await call("/api/auth/reauth", { json: { password: TEST_PASSWORD } });
    expect(response.status).toBe(401);
  });
});
