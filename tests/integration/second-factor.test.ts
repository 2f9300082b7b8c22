/**
 * Signing in with a second factor, as a client sees it: for a user with TOTP
 * on, a right password opens no session but leaves a pending sign-in (a
 * cookie, 5 minutes, no session cookie); a code, a backup code or (elsewhere)
 * a passkey completes it; the session and its token say how (`amr`). Bearer
 * clients and the seeds' route send the code with the password.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { call, registerSignedIn } from "@/tools/http-client";
import { cookieHeader, PENDING_COOKIE, SESSION_COOKIE, setCookies } from "@/tools/cookies";
import { query, throwawayAccounts } from "../support/database";
import { decodeClaims } from "../support/tokens";
import { awayFromStepEdge, enrolTotp, totpCode, type Enrolled } from "../support/totp";

const { perUsername } = parseConfig(process.env).rateLimits;
const registerUser = throwawayAccounts();
const signedInAccount = throwawayAccounts(registerSignedIn);

interface TotpUser extends Enrolled {
  username: string;
  password: string;
  id: string;
}

async function totpUser(prefix: string): Promise<TotpUser> {
  const { username, password, id, access } = await signedInAccount(prefix);
  return { username, password, id, ...(await enrolTotp(access)) };
}

function cookieNamed(response: Response, name: string) {
  return setCookies(response).find((cookie) => cookie.name === name && cookie.value !== "");
}

/** The password step: 401 mfa_required and the pending sign-in's cookie. */
async function passwordStep(user: TotpUser): Promise<string> {
  const response = await call("/api/auth/login", { json: { username: user.username, password: user.password } });
  expect(response.status).toBe(401);
  expect((await response.json()).error).toBe("mfa_required");
  const pending = cookieNamed(response, PENDING_COOKIE);
  expect(pending).toBeDefined();
  return cookieHeader(pending!);
}

const verify = (pending: string, body: Record<string, string>) => call("/api/auth/login/verify", { json: body, cookie: pending });

describe("signing in with TOTP on", () => {
  it("answers a right password with mfa_required, a 5-minute httpOnly pending cookie and no session", async () => {
    const user = await totpUser("mfa-step");
    const response = await call("/api/auth/login", { json: { username: user.username, password: user.password } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "mfa_required", data: null });
    expect(cookieNamed(response, SESSION_COOKIE)).toBeUndefined();
    const pending = cookieNamed(response, PENDING_COOKIE)!;
    expect(pending.attributes).toMatchObject({ httponly: true, "max-age": "300", path: "/" });
  });

  it("opens the session with the code, and the token and the session say pwd + otp (mfa)", async () => {
    const user = await totpUser("mfa-code");
    const pending = await passwordStep(user);
    const response = await verify(pending, { code: totpCode(user.secret) });
    expect(response.status).toBe(200);
    const session = cookieNamed(response, SESSION_COOKIE)!;
    const claims = decodeClaims(session.value);
    expect(claims.amr).toEqual(["pwd", "otp", "mfa"]);
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(30);
    const [row] = await query<{ amr: string[] }>(`SELECT "amr" FROM "Session" WHERE "id" = $1`, [claims.sid]);
    expect(row!.amr).toEqual(["pwd", "otp", "mfa"]);
    // The pending sign-in is spent: its cookie cannot open a second session.
    expect((await verify(pending, { code: totpCode(user.secret, 1) })).status).toBe(400);
  });

  it("accepts each code once: the same code again is refused even in a new sign-in", async () => {
    const user = await totpUser("mfa-replay");
    const code = totpCode(user.secret);
    expect((await verify(await passwordStep(user), { code })).status).toBe(200);
    const again = await verify(await passwordStep(user), { code });
    expect(again.status).toBe(401);
    expect((await again.json()).error).toBe("invalid_code");
  });

  it("takes a backup code once", async () => {
    const user = await totpUser("mfa-backup");
    const [backupCode] = user.backupCodes;
    expect((await verify(await passwordStep(user), { backupCode: backupCode! })).status).toBe(200);
    const reused = await verify(await passwordStep(user), { backupCode: backupCode! });
    expect(reused.status).toBe(401);
    expect((await reused.json()).error).toBe("invalid_code");
    const events = await query<{ type: string }>(`SELECT "type" FROM "AuthEvent" WHERE "userId" = $1 AND "type" IN ('backup_code_used', 'mfa_failure')`, [user.id]);
    expect(events.map((event) => event.type).sort()).toEqual(["backup_code_used", "mfa_failure"]);
  });

  it("refuses a completion without a pending sign-in, or with an expired one", async () => {
    const user = await totpUser("mfa-expired");
    const none = await call("/api/auth/login/verify", { json: { code: totpCode(user.secret) } });
    expect(none.status).toBe(400);
    expect((await none.json()).error).toBe("invalid_challenge");

    const pending = await passwordStep(user);
    await query(`UPDATE "AuthChallenge" SET "expiresAt" = now() - interval '1 second' WHERE "userId" = $1`, [user.id]);
    const expired = await verify(pending, { code: totpCode(user.secret) });
    expect(expired.status).toBe(400);
    expect((await expired.json()).error).toBe("invalid_challenge");
  });

  it("counts wrong codes against the username's limit, and sending the password again buys no more guesses", async () => {
    const user = await totpUser("mfa-guess");
    const statuses: number[] = [];
    // An attacker who knows the password alternates it with guesses: every step counts, and a right password clears nothing.
    for (let round = 0; round < perUsername + 2 && !statuses.includes(429); round++) {
      const login = await call("/api/auth/login", { json: { username: user.username, password: user.password } });
      statuses.push(login.status);
      const pending = cookieNamed(login, PENDING_COOKIE);
      if (!pending) continue;
      statuses.push((await verify(cookieHeader(pending), { code: "000000" })).status);
    }
    expect(statuses).toContain(429);
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(perUsername);
  });

  it("completes from an HTML form without JavaScript: password, then the second step's page, then where the user was going", async () => {
    const user = await totpUser("mfa-form");
    const login = await call("/api/auth/login?next=%2Fadmin", { form: { username: user.username, password: user.password } });
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/login/verify?next=%2Fadmin");
    const pending = cookieHeader(cookieNamed(login, PENDING_COOKIE)!);
    expect(await (await call("/login/verify?next=%2Fadmin", { cookie: pending })).text()).toContain("Two-step sign-in");

    const wrong = await call("/api/auth/login/verify", { form: { code: "000000", next: "/admin" }, cookie: pending });
    expect(wrong.headers.get("location")).toBe("/login/verify?error=invalid_code&next=%2Fadmin");
    const right = await call("/api/auth/login/verify", { form: { code: totpCode(user.secret), next: "/admin" }, cookie: pending });
    expect(right.status).toBe(303);
    expect(right.headers.get("location")).toBe("/admin");
    expect(cookieNamed(right, SESSION_COOKIE)).toBeDefined();
  });

  it("sends the second step's page back to sign-in when no sign-in is pending", async () => {
    const response = await call("/login/verify?next=%2Fdashboard");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toContain("/login?error=invalid_challenge");
  });
});

describe("clients that send the code with the password", () => {
  it("POST /api/auth/token: mfa_required without a code, a Bearer token with pwd + otp with one", async () => {
    const user = await totpUser("mfa-token");
    const without = await call("/api/auth/token", { json: { username: user.username, password: user.password } });
    expect(without.status).toBe(401);
    expect((await without.json()).error).toBe("mfa_required");
    expect(cookieNamed(without, PENDING_COOKIE)).toBeUndefined();
    const withCode = await call("/api/auth/token", { json: { username: user.username, password: user.password, code: totpCode(user.secret) } });
    expect(withCode.status).toBe(200);
    expect(decodeClaims((await withCode.json()).data.token).amr).toEqual(["pwd", "otp", "mfa"]);
  });

  it("POST /api/users/authenticate: mfa_required without a code, a session with one", async () => {
    const user = await totpUser("mfa-seeds");
    const without = await call("/api/users/authenticate", { json: { uid: user.username, password: user.password } });
    expect((await without.json()).error).toBe("mfa_required");
    await awayFromStepEdge();
    const withCode = await call("/api/users/authenticate", { json: { uid: user.username, password: user.password, code: totpCode(user.secret) } });
    expect(withCode.status).toBe(200);
    expect(decodeClaims(cookieNamed(withCode, SESSION_COOKIE)!.value).amr).toEqual(["pwd", "otp", "mfa"]);
  });

  it("refuses a wrong code with the password as invalid_code, and a wrong password before any code is looked at", async () => {
    const user = await totpUser("mfa-inline");
    const wrongCode = await call("/api/auth/token", { json: { username: user.username, password: user.password, code: "000000" } });
    expect(wrongCode.status).toBe(401);
    expect((await wrongCode.json()).error).toBe("invalid_code");
    const wrongPassword = await call("/api/auth/token", { json: { username: user.username, password: "not-the-password", code: totpCode(user.secret) } });
    expect((await wrongPassword.json()).error).toBe("invalid_credentials");
  });
});

describe("users without TOTP", () => {
  it("sign in with the password alone, and the token says pwd", async () => {
    const user = await registerUser("pwd-only");
    const response = await call("/api/auth/login", { json: { username: user.username, password: user.password } });
    expect(response.status).toBe(200);
    expect(decodeClaims(cookieNamed(response, SESSION_COOKIE)!.value).amr).toEqual(["pwd"]);
  });
});
