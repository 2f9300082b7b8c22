/**
 * The auth cookies' names and attributes (SPEC §4). Pure and Edge-safe: the
 * middleware reads cookies with the same rules the route handlers set them.
 *
 * - access: the JWT, sent everywhere (`Path=/`), SameSite from COOKIE_SAMESITE.
 * - refresh: the opaque refresh token, sent only to the auth routes, SameSite=Strict,
 *   so no page, no other API and no cross-site request ever carries it.
 */
import type { Config } from "@/lib/config";

/** The session's cookies. */
export type CookieKind = "access" | "refresh";
/** Every cookie set at sign-in: the session's, and the device cookie that outlives sessions. */
export type AnyCookieKind = CookieKind | "device";

interface CookieSpec {
  base: string;
  /**
   * `__Host-` makes the browser refuse the cookie unless it is Secure, host-only
   * and Path=/, so a sibling subdomain cannot plant or shadow it. A path-scoped
   * cookie cannot be `__Host-`; `__Secure-` at least demands Secure.
   */
  securePrefix: "__Host-" | "__Secure-";
  path: string;
}

const COOKIES: Record<AnyCookieKind, CookieSpec> = {
  access: { base: "tessera_session", securePrefix: "__Host-", path: "/" },
  refresh: { base: "tessera_refresh", securePrefix: "__Secure-", path: "/api/auth" },
  // A browser that has signed in to an account before (lib/auth/trusted-devices.ts). Path=/ as
  // sign-in is posted to several paths (and `__Host-` demands it); SameSite as for the session.
  device: { base: "tessera_device", securePrefix: "__Host-", path: "/" },
};

export interface CookieOptions {
  httpOnly: true;
  sameSite: "lax" | "strict" | "none";
  secure: boolean;
  path: string;
  maxAge: number;
}

type CookieSettings = Pick<Config, "production" | "cookies">;

/** Secure in production, over https, and always with SameSite=None (browsers demand it). */
export function isSecureCookie(settings: CookieSettings, https: boolean): boolean {
  return settings.production || https || settings.cookies.sameSite === "none";
}

export function cookieName(kind: AnyCookieKind, secure: boolean): string {
  const { base, securePrefix } = COOKIES[kind];
  return secure ? `${securePrefix}${base}` : base;
}

export function cookieOptions(kind: AnyCookieKind, settings: CookieSettings, https: boolean, maxAge: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: kind === "refresh" ? "strict" : settings.cookies.sameSite,
    secure: isSecureCookie(settings, https),
    path: COOKIES[kind].path,
    maxAge,
  };
}

/**
 * Whether the client reached us over https. Next.js fills X-Forwarded-Proto
 * from the socket unless a proxy already set it. A client that forges "https"
 * only makes its own cookie stricter, and production cookies are Secure anyway.
 */
export function isHttpsRequest(headers: Headers): boolean {
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/**
 * The cookie names this deployment accepts. In production only the prefixed
 * name: a plain-named cookie could have been planted by a sibling subdomain.
 */
export function acceptedCookieNames(kind: AnyCookieKind, production: boolean): string[] {
  return production ? [cookieName(kind, true)] : [cookieName(kind, true), cookieName(kind, false)];
}

type CookieReader = (name: string) => string | undefined;

export function readCookie(kind: CookieKind, cookie: CookieReader, production: boolean): string | undefined {
  for (const name of acceptedCookieNames(kind, production)) {
    const value = cookie(name);
    if (value) return value;
  }
  return undefined;
}

/**
 * The access token from `Authorization: Bearer …` or, failing that, the session
 * cookie. `undefined` means none was sent; a malformed header yields "" so it
 * fails verification as an invalid token rather than passing as "missing".
 */
export function readAccessToken(headers: Headers, cookie: CookieReader, production: boolean): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization) return /^Bearer +(\S+)$/i.exec(authorization.trim())?.[1] ?? "";
  return readCookie("access", cookie, production);
}
