/**
 * Sessions (SPEC §4): one database row per sign-in, an access token bound to it
 * by `sid`, and the cookie that carries the token. Server-only.
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import { keySet } from "@/lib/auth/keys";
import { signAccessToken, type IssuedToken, type Role } from "@/lib/auth/tokens";
import { authEventData, logAuthEvent, type AuthEventType } from "@/lib/auth/events";
import { isHttpsRequest, isSecureCookie, sessionCookieName, sessionCookieOptions } from "@/lib/auth/cookies";
import { publicUser, publicUserSelect, type PublicUser } from "@/lib/auth/dto";
import type { ClientInfo } from "@/lib/http/client-info";

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

export interface StartedSession {
  user: PublicUser;
  token: IssuedToken;
}

export interface NewUserRow {
  id: string;
  username: string;
  name: string;
  dob: Date | null;
  passwordHash: string;
}

/**
 * A new session row, its audit event and a fresh token; never reuses an earlier
 * session (no fixation). With `newUser`, the account is created in the same
 * transaction, so no user ever exists without the event that made it.
 */
export async function startSession(
  user: SessionUser,
  client: ClientInfo,
  eventType: Extract<AuthEventType, "login_success" | "register" | "token_issued">,
  newUser?: NewUserRow,
): Promise<StartedSession> {
  const expiresAt = new Date(Date.now() + config().sessionMaxAge * 1000);
  const event = { type: eventType, username: user.username, userId: user.id, client };
  const owner = newUser ? { create: newUser } : { connect: { id: user.id } };
  const [session] = await db.$transaction([
    db.session.create({
      data: { user: owner, expiresAt, ip: client.ip, userAgent: client.userAgent },
      select: { id: true, user: { select: publicUserSelect } },
    }),
    db.authEvent.create({ data: authEventData(event) }),
  ]);
  logAuthEvent(event);
  return { user: publicUser(session.user), token: await issueAccessToken(user, session.id) };
}

export async function revokeSession(sessionId: string, user: SessionUser, client: ClientInfo): Promise<void> {
  const event = { type: "logout" as const, username: user.username, userId: user.id, client };
  await db.$transaction([
    db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } }),
    db.authEvent.create({ data: authEventData(event) }),
  ]);
  logAuthEvent(event);
}

async function cookieSecurity() {
  const settings = config();
  const https = isHttpsRequest(await headers());
  return { settings, https, secure: isSecureCookie(settings, https) };
}

/** The cookie lives exactly as long as the token it carries. */
export async function setSessionCookie({ token, claims }: Pick<IssuedToken, "token" | "claims">): Promise<void> {
  const { settings, https, secure } = await cookieSecurity();
  const maxAge = claims.exp - claims.iat;
  (await cookies()).set(sessionCookieName(secure), token, sessionCookieOptions(settings, https, maxAge));
}

/** Expires the cookie with the same name, Path and Secure it was set with, or browsers keep it. */
export async function clearSessionCookie(): Promise<void> {
  const { settings, https, secure } = await cookieSecurity();
  (await cookies()).set(sessionCookieName(secure), "", sessionCookieOptions(settings, https, 0));
}
