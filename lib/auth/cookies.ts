/**
 * The session cookie's name and attributes (SPEC §4). Pure and Edge-safe: the
 * middleware reads the cookie with the same rules the route handlers set it.
 */
import type { Config } from "@/lib/config";

const BASE_NAME = "tessera_session";
/**
 * The `__Host-` prefix makes the browser refuse the cookie unless it is Secure,
 * host-only and Path=/, so a sibling subdomain cannot plant or shadow it.
 */
const SECURE_NAME = `__Host-${BASE_NAME}`;

export interface CookieOptions {
  httpOnly: true;
  sameSite: "lax" | "strict" | "none";
  secure: boolean;
  path: "/";
  maxAge: number;
}

/** Secure in production, over https, and always with SameSite=None (browsers demand it). */
export function isSecureCookie(settings: Pick<Config, "production" | "cookies">, https: boolean): boolean {
  return settings.production || https || settings.cookies.sameSite === "none";
}

export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_NAME : BASE_NAME;
}

export function sessionCookieOptions(
  settings: Pick<Config, "production" | "cookies">,
  https: boolean,
  maxAge: number,
): CookieOptions {
  return {
    httpOnly: true,
    sameSite: settings.cookies.sameSite,
    secure: isSecureCookie(settings, https),
    path: "/",
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
 * The cookie names this deployment accepts. In production only the `__Host-`
 * name: a plain-named cookie could have been planted by a sibling subdomain.
 */
export function acceptedCookieNames(production: boolean): string[] {
  return production ? [SECURE_NAME] : [SECURE_NAME, BASE_NAME];
}

/**
 * The access token from `Authorization: Bearer …` or, failing that, the session
 * cookie. `undefined` means none was sent; a malformed header yields "" so it
 * fails verification as an invalid token rather than passing as "missing".
 */
export function readAccessToken(
  headers: Headers,
  cookie: (name: string) => string | undefined,
  production: boolean,
): string | undefined {
  const authorization = headers.get("authorization");
  if (authorization) return /^Bearer +(\S+)$/i.exec(authorization.trim())?.[1] ?? "";
  for (const name of acceptedCookieNames(production)) {
    const value = cookie(name);
    if (value) return value;
  }
  return undefined;
}
