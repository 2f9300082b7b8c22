/**
 * CSRF: a browser's write (POST, PUT, PATCH, DELETE) sent from a foreign page is
 * refused, whatever it carries. Pure and Edge-safe; the middleware applies it
 * to every page request (server actions are posted to pages), the route
 * wrapper to every API route (lib/edge/api-gate.ts).
 */
import { isAllowedOrigin } from "@/lib/edge/cors";
import { ApiError, errorResponse } from "@/lib/errors";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The app's own origin as the client addressed it: scheme, host and port. The
 * request URL cannot say (behind `npm start` it is always http://localhost),
 * so it comes from X-Forwarded-Proto and the Host the client sent (or the
 * proxy's X-Forwarded-Host). Null when the host is missing or malformed.
 */
export function appOrigin(proto: string | null, host: string | null): string | null {
  if (!host) return null;
  const scheme = proto?.split(",")[0]?.trim().toLowerCase() === "https" ? "https" : "http";
  try {
    return new URL(`${scheme}://${host.split(",")[0]!.trim()}`).origin;
  } catch {
    return null;
  }
}

/** Same origin: scheme, host and port all equal (`http://app` is not `https://app`). */
export function isSameOrigin(origin: string, own: string | null): boolean {
  if (!own) return false;
  try {
    return new URL(origin).origin === own;
  } catch {
    return false;
  }
}

export interface WriteRequest {
  method: string;
  /** The `Origin` header, if any. */
  origin: string | null;
  /** The `Sec-Fetch-Site` header, if any. */
  fetchSite: string | null;
  /** The app's own origin (`appOrigin`). */
  ownOrigin: string | null;
  allowedOrigins: readonly string[];
}

/**
 * A state-changing request that a browser sent from a foreign page: refused
 * whatever it carries. Not only cookie-carrying writes: a login, register or
 * token request from a foreign form carries no cookie but would *set* one
 * (login CSRF: the visitor ends up signed in as the attacker), and a foreign
 * logout would clear the visitor's cookies. Browsers send `Origin` on every
 * cross-origin POST, PUT, PATCH and DELETE; where it is missing, Fetch
 * Metadata still tells a foreign request apart. A request with neither is a
 * same-origin form of an old browser or a non-browser client, which holds no
 * victim's cookies.
 */
export function isForeignWrite({ method, origin, fetchSite, ownOrigin, allowedOrigins }: WriteRequest): boolean {
  if (!STATE_CHANGING.has(method.toUpperCase())) return false;
  if (origin === null) return fetchSite === "cross-site" || fetchSite === "same-site";
  return !isSameOrigin(origin, ownOrigin) && !isAllowedOrigin(origin, allowedOrigins);
}

/** What the CSRF check reads of a request: a NextRequest, in the middleware or in a route handler. */
export interface RequestLike {
  method: string;
  headers: Headers;
  nextUrl: { pathname: string; protocol: string };
}

/** The origin the client addressed; behind a trusted proxy, the one the proxy was addressed by. */
function requestOwnOrigin(request: RequestLike, trustProxy: boolean): string | null {
  const host = (trustProxy && request.headers.get("x-forwarded-host")) || request.headers.get("host");
  const proto = request.headers.get("x-forwarded-proto") ?? request.nextUrl.protocol.replace(":", "");
  return appOrigin(proto, host);
}

/** The 403 for a foreign write, or null when `request` is none. */
export function foreignWriteRefusal(request: RequestLike, settings: { trustProxy: boolean; corsOrigins: readonly string[] }): Response | null {
  const foreign = isForeignWrite({
    method: request.method,
    origin: request.headers.get("origin"),
    fetchSite: request.headers.get("sec-fetch-site"),
    ownOrigin: requestOwnOrigin(request, settings.trustProxy),
    allowedOrigins: settings.corsOrigins,
  });
  return foreign ? errorResponse(new ApiError("forbidden", "Cross-site request refused.")) : null;
}
