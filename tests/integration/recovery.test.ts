/**
 * Recovery and email over real HTTP, with the mail the server really sent
 * through SMTP to the test run's mail catcher: confirming an address,
 * "forgot password" and the reset link, an admin's reset link in place of an
 * admin-chosen password, changing the address, and the security notices.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ageSignIn, deleteUsers, query } from "../support/database";
import { BASE_URL, call, serverActionForm, signIn, signInFully, TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { linkIn, mailsTo, waitForMail } from "../support/mailbox";
import { mailAccounts, requestResetLink, tokenOf, uniqueAddress } from "../support/recovery";
import { enrolTotp, totpCode } from "../support/totp";

const accounts = mailAccounts();
/** Accounts registered here without the helper, deleted after the file. */
const accountIds: string[] = [];
afterAll(() => deleteUsers(accountIds));
const NEW_PASSWORD = "a-brand-new-passphrase";

const envelope = async (response: Response) => (await response.json()) as { data: Record<string, unknown> | null; error?: string; fields?: Record<string, string> };

async function me(cookie: string): Promise<Response> {
  return call("/api/auth/me", { cookie });
}

async function profile(id: string, cookie: string): Promise<{ email: string | null; emailVerified: boolean }> {
  const response = await call(`/api/users/${id}`, { cookie });
  expect(response.status).toBe(200);
  return (await envelope(response)).data as { email: string | null; emailVerified: boolean };
}

describe("confirming an email address", () => {
  it("mails a link built from APP_URL that confirms the address once", async () => {
    const account = await accounts.register("verify");
    expect(await profile(account.id, account.cookie)).toMatchObject({ email: account.email, emailVerified: false });

    const link = await accounts.verificationLink(account.email);
    expect(new URL(link).origin).toBe(new URL(BASE_URL).origin);
    const first = await call("/api/auth/email/verify", { json: { token: tokenOf(link) } });
    expect(first.status).toBe(200);
    expect((await envelope(first)).data).toEqual({ email: account.email });
    expect(await profile(account.id, account.cookie)).toMatchObject({ emailVerified: true });

    const again = await call("/api/auth/email/verify", { json: { token: tokenOf(link) } });
    expect(again.status).toBe(410);
    expect((await envelope(again)).error).toBe("token_invalid");
  });

  it("confirms through the page the link opens, with its Confirm button", async () => {
    const account = await accounts.register("verify-page");
    const link = await accounts.verificationLink(account.email);
    const path = `${new URL(link).pathname}${new URL(link).search}`;
    const page = await call(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Confirm your email address");
    expect(html).toContain(account.email);
    expect(html).toContain(account.username);
    expect(await profile(account.id, account.cookie)).toMatchObject({ emailVerified: false });

    const confirm = await serverActionForm(path);
    const confirmed = await confirm({});
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("location")).toBe("/verify-email?confirmed=1");
    expect(await (await call("/verify-email?confirmed=1")).text()).toContain("Email address confirmed");
    expect(await profile(account.id, account.cookie)).toMatchObject({ emailVerified: true });
    const reused = await call(path);
    expect(await reused.text()).toContain("This link no longer works");
  });

  it("stores addresses lower-case", async () => {
    const email = uniqueAddress("Case").toUpperCase();
    const response = await call("/api/auth/register", { json: { username: uniqueName("case"), password: TEST_PASSWORD, name: "Case Tester", email } });
    expect(response.status).toBe(201);
    const { user } = (await envelope(response)).data as { user: { id: string; email: string } };
    accountIds.push(user.id);
    expect(user.email).toBe(email.toLowerCase());
  });

  it("sends the link again on request, within five mails to the unconfirmed address per window, the registration's included", async () => {
    const account = await accounts.register("resend");
    await accounts.verificationLink(account.email);
    const answers: Response[] = [];
    for (let i = 0; i < 5; i++) answers.push(await call("/api/auth/email/resend", { method: "POST", cookie: account.cookie }));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 429]);
    expect(Number(answers[4]!.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("refuses a link for an address the account has since replaced", async () => {
    const account = await accounts.register("replaced");
    const oldLink = await accounts.verificationLink(account.email);
    const newAddress = uniqueAddress("replaced-new");
    const changed = await call(`/api/users/${account.id}`, { method: "PATCH", json: { email: newAddress }, cookie: account.cookie });
    expect(changed.status).toBe(200);
    expect((await call("/api/auth/email/verify", { json: { token: tokenOf(oldLink) } })).status).toBe(410);
    const newLink = await accounts.verificationLink(newAddress);
    expect((await call("/api/auth/email/verify", { json: { token: tokenOf(newLink) } })).status).toBe(200);
    expect(await profile(account.id, account.cookie)).toMatchObject({ email: newAddress, emailVerified: true });
  });
});

describe("forgot password", () => {
  it("mails a reset link that sets a new password once, ends every session and tells the owner", async () => {
    const account = await accounts.verified("reset");
    const other = await signInFully(account.username, account.password);
    const link = await requestResetLink(account);
    expect(new URL(link).origin).toBe(new URL(BASE_URL).origin);

    const before = new Date();
    const reset = await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: NEW_PASSWORD } });
    expect(reset.status).toBe(204);

    // Every session ended: the registration's and the other sign-in's, access and refresh alike.
    expect((await me(account.cookie)).status).toBe(401);
    expect((await me(other.access)).status).toBe(401);
    expect((await call("/api/auth/refresh", { method: "POST", cookie: other.refresh })).status).toBe(401);
    expect((await call("/api/auth/login", { json: { username: account.username, password: account.password } })).status).toBe(401);
    expect((await me(await signIn(account.username, NEW_PASSWORD))).status).toBe(200);

    const reused = await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: "yet-another-passphrase" } });
    expect(reused.status).toBe(410);
    expect((await envelope(reused)).error).toBe("token_invalid");

    const notice = await waitForMail(account.email, { subject: /password was reset/i, after: before });
    expect(notice.text).toContain("Every session was signed out");
    const events = await query<{ type: string }>(`SELECT "type" FROM "AuthEvent" WHERE "userId" = $1::uuid AND "type" = 'password_reset'`, [account.id]);
    expect(events).toHaveLength(1);
  });

  it("finds the account by its email address too, in any case", async () => {
    const account = await accounts.verified("by-email");
    const asked = new Date();
    const response = await call("/api/auth/password/forgot", { json: { email: account.email.toUpperCase() } });
    expect(response.status).toBe(202);
    linkIn(await waitForMail(account.email, { subject: /reset your/i, after: asked }), "/reset-password");
  });

  it("sends nothing to an address that is not confirmed, and answers the same", async () => {
    const account = await accounts.register("unconfirmed");
    await accounts.verificationLink(account.email);
    const response = await call("/api/auth/password/forgot", { json: { username: account.username } });
    expect(response.status).toBe(202);
    // The mail would go out within milliseconds of the answer; give it far longer.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await mailsTo(account.email)).filter((mail) => /reset your/i.test(mail.subject))).toEqual([]);
  });

  it("refuses an expired link", async () => {
    const account = await accounts.verified("expired");
    const link = await requestResetLink(account);
    await query(`UPDATE "AccountToken" SET "expiresAt" = now() - interval '1 minute' WHERE "userId" = $1::uuid AND "purpose" = 'reset-password'`, [account.id]);
    const response = await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: NEW_PASSWORD } });
    expect(response.status).toBe(410);
    expect((await call("/api/auth/login", { json: { username: account.username, password: account.password } })).status).toBe(200);
  });

  it("checks the new password like any other", async () => {
    const account = await accounts.verified("short");
    const link = await requestResetLink(account);
    const response = await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: "short" } });
    expect(response.status).toBe(400);
    expect((await envelope(response)).fields).toHaveProperty("password");
    // A refused password leaves the link usable.
    expect((await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: NEW_PASSWORD } })).status).toBe(204);
  });

  it("asks for a code when the account has two-factor sign-in on", async () => {
    const account = await accounts.verified("reset-totp");
    const { secret } = await enrolTotp(account.cookie);
    const link = await requestResetLink(account);

    const withoutCode = await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: NEW_PASSWORD } });
    expect(withoutCode.status).toBe(401);
    expect((await envelope(withoutCode)).error).toBe("mfa_required");
    const wrongCode = await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: NEW_PASSWORD, code: "000000" } });
    expect(wrongCode.status).toBe(401);
    expect((await envelope(wrongCode)).error).toBe("invalid_code");

    const withCode = await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: NEW_PASSWORD, code: totpCode(secret, 1) } });
    expect(withCode.status, await withCode.clone().text()).toBe(204);
  });
});

describe("changing the address and the password", () => {
  it("needs a recent sign-in, mails the new address a link and tells the old one", async () => {
    const account = await accounts.verified("change");
    await ageSignIn(account.sessionId, 3600);
    const newAddress = uniqueAddress("change-new");
    const stale = await call(`/api/users/${account.id}`, { method: "PATCH", json: { email: newAddress }, cookie: account.cookie });
    expect(stale.status).toBe(403);
    expect((await envelope(stale)).error).toBe("reauth_required");

    const fresh = await signIn(account.username, account.password);
    const before = new Date();
    const changed = await call(`/api/users/${account.id}`, { method: "PATCH", json: { email: newAddress }, cookie: fresh });
    expect(changed.status).toBe(200);
    expect((await envelope(changed)).data).toMatchObject({ email: newAddress, emailVerified: false });
    await accounts.verificationLink(newAddress, before);
    const notice = await waitForMail(account.email, { subject: /email address of your Tessera account changed/i, after: before });
    expect(notice.text).not.toContain(newAddress);
  });

  it("tells the owner when the password was changed", async () => {
    const account = await accounts.verified("changed");
    const before = new Date();
    const response = await call(`/api/users/${account.id}`, {
      method: "PATCH",
      json: { password: NEW_PASSWORD, currentPassword: account.password },
      cookie: account.cookie,
    });
    expect(response.status).toBe(200);
    await waitForMail(account.email, { subject: /password was changed/i, after: before });
  });
});

describe("an admin's reset link", () => {
  it("replaces an admin-chosen password: one link, shown once, that the user opens", async () => {
    const account = await accounts.register("handed");
    const admin = await signIn("hop", "123hop");
    const choose = await call(`/api/users/${account.id}`, { method: "PATCH", json: { password: "chosen-by-the-admin" }, cookie: admin });
    expect(choose.status).toBe(403);

    const issued = await call(`/api/users/${account.id}/reset-link`, { method: "POST", cookie: admin });
    expect(issued.status).toBe(201);
    const { url, expiresAt } = (await envelope(issued)).data as { url: string; expiresAt: string };
    expect(new URL(url).origin).toBe(new URL(BASE_URL).origin);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(25 * 60_000);

    expect((await call("/api/auth/password/reset", { json: { token: tokenOf(url), password: NEW_PASSWORD } })).status).toBe(204);
    expect((await me(account.cookie)).status).toBe(401);
    expect((await me(await signIn(account.username, NEW_PASSWORD))).status).toBe(200);
    const events = await query<{ type: string }>(`SELECT "type" FROM "AuthEvent" WHERE "userId" = $1::uuid ORDER BY "createdAt"`, [account.id]);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(["reset_link_issued", "password_reset"]));
  });

  it("is for an ADMIN only", async () => {
    const account = await accounts.register("not-admin");
    const response = await call(`/api/users/${account.id}/reset-link`, { method: "POST", cookie: account.cookie });
    expect(response.status).toBe(403);
  });
});
