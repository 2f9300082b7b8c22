/**
 * A passkey over plain HTTP with the software authenticator
 * (./soft-authenticator.ts): added to an account through a session's cookie,
 * and used to sign in from a browser that holds nothing else.
 */
import { expect } from "vitest";
import { CookieJar } from "@/tools/cookies";
import { BASE_URL, call } from "@/tools/http-client";
import { SoftAuthenticator } from "./soft-authenticator";

/** The test server's relying party: the same port, as `localhost` (scripts/test.ts). */
const ORIGIN = BASE_URL.replace("127.0.0.1", "localhost");

/** Adds a passkey called `name` to the account whose recent session `cookie` holds; returns its authenticator. */
export async function addPasskey(cookie: string, name: string): Promise<SoftAuthenticator> {
  const jar = new CookieJar();
  const withSession = () => [cookie, jar.header].filter(Boolean).join("; ");
  const authenticator = new SoftAuthenticator(new URL(ORIGIN).hostname, ORIGIN);
  const options = jar.keep(await call("/api/auth/passkeys/register/options", { method: "POST", json: {}, cookie: withSession() }));
  expect(options.status, await options.clone().text()).toBe(200);
  const response = authenticator.register((await options.json()).data.options);
  const added = await call("/api/auth/passkeys/register/verify", { json: { response, name }, cookie: withSession() });
  expect(added.status, await added.clone().text()).toBe(201);
  return authenticator;
}

/** A passkey sign-in from a browser with no cookie: the answer to the assertion. */
export async function signInWithPasskey(authenticator: SoftAuthenticator): Promise<Response> {
  const jar = new CookieJar();
  const options = jar.keep(await call("/api/auth/passkeys/sign-in/options", { json: { purpose: "sign-in" } }));
  expect(options.status).toBe(200);
  return call("/api/auth/passkeys/sign-in/verify", { json: { response: authenticator.assert((await options.json()).data.options) }, cookie: jar.header });
}
