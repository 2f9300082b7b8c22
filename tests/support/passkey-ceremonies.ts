/**
 * Passkey ceremonies over HTTP, for the attack tests: accounts with a passkey
 * held by a software authenticator (./soft-authenticator.ts), the options and
 * verify calls a browser makes, and the `passkey_failure` events recorded
 * against an account. Accounts are deleted after the file that made them.
 */
import { afterAll, expect } from "vitest";
import { CookieJar } from "@/tools/cookies";
import { deleteUsers, query } from "./database";
import { BASE_URL, call, TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { SoftAuthenticator } from "./soft-authenticator";

/** The test server's relying party: the same port, as `localhost` (scripts/test.ts). */
export const ORIGIN = BASE_URL.replace("127.0.0.1", "localhost");
export const RP_ID = new URL(ORIGIN).hostname;

export type PasskeyPurpose = "sign-in" | "second-factor" | "reauth";

export interface AuthenticationOptions {
  challenge: string;
  allowCredentials?: { id: string }[];
}

/** Registers accounts, with a passkey where asked, and deletes them after this file's tests. */
export function passkeyAccounts() {
  const ids: string[] = [];
  afterAll(() => deleteUsers(ids));

  /** A fresh account, signed in through the given jar. */
  async function freshAccount(jar: CookieJar): Promise<{ username: string; userId: string }> {
    const username = uniqueName("passkey");
    const registered = jar.keep(await call("/api/auth/register", { json: { username, password: TEST_PASSWORD, name: "Passkey User" } }));
    expect(registered.status).toBe(201);
    const userId: string = (await registered.json()).data.user.id;
    ids.push(userId);
    return { username, userId };
  }

  /** A fresh account, signed in (a fresh sign-in counts as recent), with one passkey registered. */
  async function userWithPasskey() {
    const jar = new CookieJar();
    const { username, userId } = await freshAccount(jar);
    const authenticator = new SoftAuthenticator(RP_ID, ORIGIN);
    const options = jar.keep(await call("/api/auth/passkeys/register/options", { method: "POST", json: {}, cookie: jar.header }));
    expect(options.status).toBe(200);
    const response = authenticator.register((await options.json()).data.options);
    const verified = jar.keep(await call("/api/auth/passkeys/register/verify", { json: { response, name: "Test key" }, cookie: jar.header }));
    expect(verified.status).toBe(201);
    return { jar, username, userId, authenticator };
  }

  return { freshAccount, userWithPasskey };
}

/** A passkey ceremony of `purpose` started in `jar` (a signed-out browser's by default): its options. */
export async function signInOptions(purpose: PasskeyPurpose = "sign-in", jar = new CookieJar()) {
  const response = jar.keep(await call("/api/auth/passkeys/sign-in/options", { json: { purpose }, cookie: jar.header }));
  expect(response.status).toBe(200);
  return { jar, options: (await response.json()).data.options as AuthenticationOptions };
}

/** Posts an assertion to the verify route, naming `purpose` when given, as the browser's client does. */
export function verify(jar: CookieJar, response: unknown, { cookie = jar.header, purpose }: { cookie?: string; purpose?: PasskeyPurpose } = {}) {
  return call("/api/auth/passkeys/sign-in/verify", { json: { response, ...(purpose ? { purpose } : {}) }, cookie }).then((answer) => jar.keep(answer));
}

/** How many `passkey_failure` events are recorded against user `userId`. */
export async function failures(userId: string): Promise<number> {
  const rows = await query<{ count: string }>(`SELECT count(*) FROM "AuthEvent" WHERE "userId" = $1 AND "type" = 'passkey_failure'`, [userId]);
  return Number(rows[0]!.count);
}
