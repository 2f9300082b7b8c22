/**
 * The auth cookies' names and attributes (docs/tokens-and-cookies.md). Pure and Edge-safe: the
 * middleware reads cookies with the same rules the route handlers set them.
 *
 * - access: the JWT, sent everywhere (`Path=/`), SameSite from COOKIE_SAMESITE.
 * - refresh: the opaque refresh token, sent only to the auth routes, SameSite=Strict,
 *   so no page, no other API and no cross-site request ever carries it; with
 *   COOKIE_SAMESITE=None (a front end on another site) it is None, like the access cookie.
 */
import type { Config } from "@/lib/config";
import { ApiError } from "@/lib/errors";
import type { PASSKEY_PURPOSES } from "@/lib/schemas";

/** The session's cookies. */
export type CookieKind = "access" | "refresh";
/**
 * The passkey ceremonies (lib/auth/sign-in/ceremonies.ts). Each has a challenge cookie
 * of its own, so that starting one (the sign-in page's autofill, say) never
 * voids another in progress in the same browser.
 */
/** What a passkey is used for (lib/schemas.ts); registering one is a ceremony too. */
type PasskeyPurpose = (typeof PASSKEY_PURPOSES)[number];
export type PasskeyCeremony = `passkey-${"register" | PasskeyPurpose}`;
/**
 * Every cookie Tessera sets: the session's; the device cookie that outlives
 * sessions; and those of a sign-in step in progress (lib/auth/sign-in/ceremonies.ts),
 * `pending` for a password that waits for its second factor and one per
 * passkey ceremony for its WebAuthn challenge. Those live 5 minutes. And
 * `oauth`, which binds a sign-in with a provider to the browser that started
 * it (lib/auth/federation/flow.ts), for 10 minutes.
 */
export type AnyCookieKind = CookieKind | "device" | "pending" | PasskeyCeremony | "oauth";

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
  // A browser that has signed in to an account before (lib/auth/sign-in/trusted-devices.ts). Path=/ as
  // sign-in is posted to several paths (and `__Host-` demands it); SameSite as for the session.
  device: { base: "tessera_device", securePrefix: "__Host-", path: "/" },
  // Path=/ as the pages' server actions read them as well as the API routes.
  pending: { base: "tessera_pending", securePrefix: "__Host-", path: "/" },
  "passkey-register": { base: "tessera_challenge_register", securePrefix: "__Host-", path: "/" },
  "passkey-sign-in": { base: "tessera_challenge_sign_in", securePrefix: "__Host-", path: "/" },
  "passkey-second-factor": { base: "tessera_challenge_second_factor", securePrefix: "__Host-", path: "/" },
  "passkey-reauth": { base: "tessera_challenge_reauth", securePrefix: "__Host-", path: "/" },
  // Sent only to the start and callback routes of a sign-in with a provider.
  oauth: { base: "tessera_oauth", securePrefix: "__Secure-", path: "/api/auth/oauth" },
};

export interface CookieOptions {
  httpOnly: true;
  sameSite: "lax" | "strict" | "none";
  secure: boolean;
  path: string;
  maxAge: number;
  /**
   * With SameSite=None, a cookie is partitioned by the top-level site (CHIPS):
   * browsers that block third-party cookies (Safari, Firefox, Chrome when so
   * set) still keep it for the front end that embeds the API, and only for it.
   */
  partitioned?: true;
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

function sameSiteOf(kind: AnyCookieKind, configured: CookieOptions["sameSite"]): CookieOptions["sameSite"] {
  if (configured === "none") return "none";
  if (kind === "refresh") return "strict";
  // The provider sends the browser back from its own site: a Strict cookie would not come along.
  if (kind === "oauth") return "lax";
  return configured;
}

export function cookieOptions(kind: AnyCookieKind, settings: CookieSettings, https: boolean, maxAge: number): CookieOptions {
  return {
    httpOnly: true,
    // The refresh cookie is Strict unless the deployment serves a cross-site front end
    // (COOKIE_SAMESITE=None), which could not refresh otherwise; the Origin check on
    // every write still keeps foreign pages from using it.
    sameSite: sameSiteOf(kind, settings.cookies.sameSite),
    secure: isSecureCookie(settings, https),
    path: COOKIES[kind].path,
    maxAge,
    ...(settings.cookies.sameSite === "none" ? { partitioned: true as const } : {}),
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

/** Every value of every cookie in a `Cookie` header, in the order sent. */
export function parseCookieHeader(header: string | null): Map<string, string[]> {
  const jar = new Map<string, string[]>();
  for (const pair of (header ?? "").split(";")) {
    const at = pair.indexOf("=");
    const name = pair.slice(0, Math.max(at, 0)).trim();
    if (!name) continue;
    let value = pair.slice(at + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Kept as sent: a value that is not valid percent-encoding is no token of ours.
    }
    jar.set(name, [...(jar.get(name) ?? []), value]);
  }
  return jar;
}

/**
 * Two cookies of one name. A sibling subdomain can plant a cookie for the
 * parent domain (the refresh cookie's `__Secure-` prefix does not stop that,
 * only `__Host-` would), and the browser then sends both; whichever one a
 * parser keeps, the visitor may end up in the attacker's session ("cookie
 * tossing"). So neither is used. Clearing our own would not help: it would
 * leave just the planted one, so a conflict also keeps the cookies as they are.
 */
export class CookieConflictError extends ApiError {
  constructor() {
    super("invalid_token", "Conflicting session cookies were sent; they are not used.");
  }
}

export interface SessionCookies {
  access?: string | undefined;
  refresh?: string | undefined;
  /** A session or refresh cookie name was sent more than once: neither cookie is read. */
  conflict: boolean;
}

export function readSessionCookies(cookieHeader: string | null, production: boolean): SessionCookies {
  const jar = parseCookieHeader(cookieHeader);
  const names = { access: acceptedCookieNames("access", production), refresh: acceptedCookieNames("refresh", production) };
  if ([...names.access, ...names.refresh].some((name) => (jar.get(name)?.length ?? 0) > 1)) return { conflict: true };
  const first = (kind: CookieKind) => names[kind].map((name) => jar.get(name)?.[0]).find(Boolean);
  return { access: first("access"), refresh: first("refresh"), conflict: false };
}

/**
 * The token of `Authorization: Bearer …`. `undefined` when there is no such
 * header; a malformed one yields "" so it fails verification as an invalid
 * token rather than passing as "missing".
 */
export function bearerToken(headers: Headers): string | undefined {
  const authorization = headers.get("authorization");
  if (!authorization) return undefined;
  return /^Bearer +(\S+)$/i.exec(authorization.trim())?.[1] ?? "";
}

/**
 * The access token from `Authorization: Bearer …` or, failing that, the session
 * cookie; `undefined` when neither was sent. Throws CookieConflictError when a
 * session cookie name was sent twice.
 */
export function readAccessToken(headers: Headers, production: boolean): string | undefined {
  const bearer = bearerToken(headers);
  if (bearer !== undefined) return bearer;
  const { access, conflict } = readSessionCookies(headers.get("cookie"), production);
  if (conflict) throw new CookieConflictError();
  return access;
}
