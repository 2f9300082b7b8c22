/**
 * Sessions (SPEC §4): one database row per sign-in, an access token bound to it
 * by `sid`, a refresh token whose hash lives on the row, and the two cookies
 * that carry them. Server-only.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import type { IssuedDevice } from "@/lib/auth/trusted-devices";
import type { Prisma } from "@/lib/db/generated/client";
import { keySet } from "@/lib/auth/keys";
import { signAccessToken, type IssuedToken, type Role } from "@/lib/auth/tokens";
import { authEventData, logAuthEvent, recordAuthEvent, type AuthEventType } from "@/lib/auth/events";
import {
  cookieName,
  cookieOptions,
  CookieConflictError,
  isHttpsRequest,
  isSecureCookie,
  readSessionCookies,
  type CookieKind,
  type SessionCookies,
} from "@/lib/auth/cookies";
import { generateRefreshToken, hashRefreshToken } from "@/lib/auth/refresh-token";
import { publicUser, publicUserSelect, type PublicUser } from "@/lib/auth/dto";
import { clientInfo, type ClientInfo } from "@/lib/http/client-info";

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

export function issueAccessToken(user: SessionUser, sessionId: string): Promise<IssuedToken> {
  const { issuer, audience, accessTokenTtl } = config().jwt;
  return keySet().then((keys) =>
    signAccessToken(
      { userId: user.id, username: user.username, role: user.role, sessionId },
      keys,
      { issuer, audience, ttlSeconds: accessTokenTtl },
    ),
  );
}

export interface IssuedRefreshToken {
  token: string;
  /** Seconds the cookie lives: the refresh lifetime, cut to the session's absolute end. */
  maxAge: number;
}

/** A fresh refresh token and its hash; the token goes to the client, only the hash to the database. */
export function newRefreshToken(sessionExpiresAt: Date, now = Date.now()): IssuedRefreshToken & { hash: string } {
  const token = generateRefreshToken();
  const untilSessionEnd = Math.floor((sessionExpiresAt.getTime() - now) / 1000);
  return { token, hash: hashRefreshToken(token), maxAge: Math.max(0, Math.min(config().refreshTokenTtl, untilSessionEnd)) };
}

export interface StartedSession {
  user: PublicUser;
  token: IssuedToken;
  /** Absent for Bearer-only sessions (POST /api/auth/token), which have no cookie to carry one. */
  refresh?: IssuedRefreshToken;
  /** The device cookie (lib/auth/trusted-devices.ts); absent where no cookie is set. */
  device?: IssuedDevice;
}

export interface NewUserRow {
  id: string;
  username: string;
  name: string;
  dob: Date | null;
  passwordHash: string;
}

export interface StartOptions {
  newUser?: NewUserRow;
  /** Further writes that belong to this sign-in (remembering the browser as a device): committed with it or not at all. */
  writes?: Prisma.PrismaPromise<unknown>[];
}

/**
 * A new session row, its audit event and fresh tokens; never reuses an earlier
 * session (no fixation). With `newUser`, the account is created in the same
 * transaction, so no user ever exists without the event that made it.
 *
 * A cookie session lasts at most SESSION_MAX_AGE. A Bearer session
 * (`token_issued`) gets no refresh token, so it ends exactly when its one
 * access token expires: the token is signed first, for the row to take its expiry.
 */
export async function startSession(
  user: SessionUser,
  client: ClientInfo,
  eventType: Extract<AuthEventType, "login_success" | "register" | "token_issued">,
  { newUser, writes = [] }: StartOptions = {},
): Promise<StartedSession> {
  const sessionId = crypto.randomUUID();
  const token = await issueAccessToken(user, sessionId);
  const bearer = eventType === "token_issued";
  const expiresAt = bearer ? token.expiresAt : new Date(Date.now() + config().sessionMaxAge * 1000);
  const refresh = bearer ? undefined : newRefreshToken(expiresAt);
  const event = { type: eventType, username: user.username, userId: user.id, client };
  const owner = newUser ? { create: newUser } : { connect: { id: user.id } };
  const [session] = await db.$transaction([
    db.session.create({
      data: { id: sessionId, user: owner, expiresAt, refreshTokenHash: refresh?.hash ?? null, ip: client.ip, userAgent: client.userAgent },
      select: { user: { select: publicUserSelect } },
    }),
    db.authEvent.create({ data: authEventData(event) }),
    ...writes,
  ]);
  logAuthEvent(event);
  return { user: publicUser(session.user), token, ...(refresh ? { refresh: { token: refresh.token, maxAge: refresh.maxAge } } : {}) };
}

async function cookieSecurity() {
  const settings = config();
  const https = isHttpsRequest(await headers());
  return { settings, https, secure: isSecureCookie(settings, https) };
}

async function setCookie(kind: CookieKind | "device", value: string, maxAge: number): Promise<void> {
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
export async function requestSessionCookies(): Promise<Omit<SessionCookies, "conflict">> {
  const sent = await sentSessionCookies();
  if (sent.conflict) {
    await recordAuthEvent({ type: "cookie_conflict", client: clientInfo(await headers()) });
    throw new CookieConflictError();
  }
  return sent;
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

/** The refresh token this request carries (only the auth routes receive it). */
export async function requestRefreshToken(): Promise<string | undefined> {
  return (await requestSessionCookies()).refresh;
}
