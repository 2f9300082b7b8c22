/**
 * Accounts with an email address, for the recovery tests: registered through
 * the API, confirmed by following the link in the mail the app really sent,
 * and the link of the newest reset mail. Accounts are deleted after the file.
 */
import { afterAll, expect } from "vitest";
import { cookieHeader, sessionCookie } from "@/tools/cookies";
import { deleteUsers } from "./database";
import { call, TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { linkIn, uniqueAddress, waitForMail } from "./mailbox";
import { decodeClaims } from "./tokens";

export interface MailAccount {
  id: string;
  username: string;
  email: string;
  password: string;
  /** The registration's session, fresh enough for step-up. */
  cookie: string;
  sessionId: string;
}

export { uniqueAddress };

/** The `token` parameter of a link from a mail. */
export function tokenOf(link: string): string {
  const token = new URL(link).searchParams.get("token");
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

/** Registers accounts with an email address, and deletes them after this file's tests. */
export function mailAccounts() {
  const ids: string[] = [];
  afterAll(() => deleteUsers(ids));

  /**
   * A new account with an unconfirmed address (a fresh one, or `email`, which
   * another account may claim or own); its mail is on its way.
   */
  async function register(prefix: string, { email = uniqueAddress(prefix) }: { email?: string } = {}): Promise<MailAccount> {
    const username = uniqueName(prefix);
    const response = await call("/api/auth/register", { json: { username, password: TEST_PASSWORD, name: "Mail Tester", email } });
    expect(response.status, await response.clone().text()).toBe(201);
    const access = sessionCookie(response)!;
    const { id } = ((await response.json()) as { data: { user: { id: string } } }).data.user;
    ids.push(id);
    return { id, username, email, password: TEST_PASSWORD, cookie: cookieHeader(access), sessionId: decodeClaims(access.value).sid as string };
  }

  /** The link of the newest verification mail to `email`. */
  async function verificationLink(email: string, after?: Date): Promise<string> {
    return linkIn(await waitForMail(email, { subject: /confirm your email/i, ...(after ? { after } : {}) }), "/verify-email");
  }

  /** A new account whose address is confirmed through its mail's link (over the API). */
  async function verified(prefix: string): Promise<MailAccount> {
    const account = await register(prefix);
    const response = await call("/api/auth/email/verify", { json: { token: tokenOf(await verificationLink(account.email)) } });
    expect(response.status, await response.clone().text()).toBe(200);
    return account;
  }

  return { register, verified, verificationLink };
}

/** Asks for a reset link for `account` (a username or email) and returns the link from the mail it gets. */
export async function requestResetLink(account: { username: string; email: string }): Promise<string> {
  const asked = new Date();
  const response = await call("/api/auth/password/forgot", { json: { username: account.username } });
  expect(response.status).toBe(202);
  return linkIn(await waitForMail(account.email, { subject: /reset your/i, after: asked }), "/reset-password");
}
