/**
 * Cross-origin rules for the API (SPEC §7). Pure and Edge-safe; the middleware
 * applies them. CORS only ever loosens what a browser lets a page *read*; the
 * CSRF check below is what stops a foreign page from *doing* things with our
 * cookies.
 */

export const CORS_MAX_AGE_SECONDS = 600;
const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS = "Authorization, Content-Type";
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isAllowedOrigin(origin: string | null, allowed: readonly string[]): origin is string {
  return origin !== null && allowed.includes(origin);
}

/** Same origin as the host the client addressed (the request URL's host is not the client's behind `npm start`). */
export function isSameOrigin(origin: string, host: string | null): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function corsHeaders(origin: string, preflight: boolean): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    vary: "Origin",
    ...(preflight
      ? {
          "access-control-allow-methods": ALLOWED_METHODS,
          "access-control-allow-headers": ALLOWED_HEADERS,
          "access-control-max-age": String(CORS_MAX_AGE_SECONDS),
        }
      : {}),
  };
}

export interface CsrfInput {
  method: string;
  origin: string | null;
  host: string | null;
  /** Whether the request carries one of our auth cookies. */
  hasAuthCookie: boolean;
  allowedOrigins: readonly string[];
}

/**
 * A state-changing request that a browser sent with our cookies from a foreign
 * page. Browsers always send `Origin` on cross-origin POST, PUT, PATCH and
 * DELETE, so its absence means a same-origin form or a non-browser client.
 */
export function isCrossSiteWrite({ method, origin, host, hasAuthCookie, allowedOrigins }: CsrfInput): boolean {
  if (!STATE_CHANGING.has(method.toUpperCase()) || !hasAuthCookie || origin === null) return false;
  return !isSameOrigin(origin, host) && !isAllowedOrigin(origin, allowedOrigins);
}
