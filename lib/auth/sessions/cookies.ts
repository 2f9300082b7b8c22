/**
 * The cookies that carry a session, as route handlers and server actions set,
 * read and clear them (names and attributes: lib/edge/cookies.ts). Reading
 * refuses a cookie name sent twice: see CookieConflictError.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { config } from "@/lib/config";
import {
  cookieName,
  cookieOptions,
  CookieConflictError,
  acceptedCookieNames,
  isHttpsRequest,
  parseCookieHeader,
  isSecureCookie,
  readSessionCookies,
  type AnyCookieKind,
  type SessionCookies,
} from "@/lib/edge/cookies";
import { recordAuthEvent } from "@/lib/auth/changes";
import type { StartedSession } from "@/lib/auth/sessions/start";
import { clientInfo } from "@/lib/request/client-info";

async function cookieSecurity() {
  const settings = config();
  const https = isHttpsRequest(await headers());
  return { settings, https, secure: isSecureCookie(settings, https) };
}

export async function setCookie(kind: AnyCookieKind, value: string, maxAge: number): Promise<void> {
  const { settings, https, secure } = await cookieSecurity();
  (await cookies()).set(cookieName(kind, secure), value, cookieOptions(kind, settings, https, maxAge));
}

/**
 * Sets the access cookie (living exactly as long as its token) and, when given,
 * the refresh and device cookies. Works in route handlers and server actions
 * alike. Sign-out clears the first two only: the browser is still the device's owner.
 */
export async function setSessionCookies({ token, refresh, device }: Pick<StartedSession, "token" | "refresh" | "device">): Promise<void> {
  await setCookie("access", token.token, token.claims.exp - token.claims.iat);
  if (refresh) await setCookie("refresh", refresh.token, refresh.maxAge);
  if (device) await setCookie("device", device.token, device.maxAge);
}

/** The session cookies this request carries, as sent. */
async function sentSessionCookies(): Promise<SessionCookies> {
  return readSessionCookies((await headers()).get("cookie"), config().production);
}

/**
 * The session cookies this request carries, or a CookieConflictError when a
 * cookie name was sent twice (a planted cookie): then neither is used, and a
 * `cookie_conflict` event is recorded.
 */
async function requestSessionCookies(): Promise<Omit<SessionCookies, "conflict">> {
  const sent = await sentSessionCookies();
  if (sent.conflict) {
    await recordCookieConflict();
    throw new CookieConflictError();
  }
  return sent;
}

/** Records that this request sent a session cookie name twice (a planted cookie). */
export async function recordCookieConflict(): Promise<void> {
  await recordAuthEvent({ type: "cookie_conflict", client: clientInfo(await headers()) });
}

/**
 * Expires both cookies with the same name, Path and Secure they were set with,
 * or browsers keep them. Not while a cookie name is sent twice: expiring ours
 * would leave only the planted one, and the visitor signed in as its owner.
 */
export async function clearSessionCookies(): Promise<void> {
  if ((await sentSessionCookies()).conflict) return;
  await setCookie("access", "", 0);
  await setCookie("refresh", "", 0);
}

/**
 * The value of one of the other cookies (device, a sign-in step's), by either
 * accepted name; undefined when absent or sent twice (a planted cookie is never used).
 */
export async function requestCookie(kind: Exclude<AnyCookieKind, "access" | "refresh">): Promise<string | undefined> {
  const jar = parseCookieHeader((await headers()).get("cookie"));
  const values = acceptedCookieNames(kind, config().production).flatMap((name) => jar.get(name) ?? []);
  return values.length === 1 ? values[0] : undefined;
}

/** The refresh token this request carries (only the auth routes receive it). */
export async function requestRefreshToken(): Promise<string | undefined> {
  return (await requestSessionCookies()).refresh;
}
