/**
 * CORS for the front ends listed in CORS_ORIGINS: which origins may *read* our
 * API's answers with credentials, and the headers that say so. Pure and
 * Edge-safe. CORS only ever loosens what a browser lets a page read; what stops
 * a foreign page from *doing* things is the CSRF check (./csrf.ts).
 */

export const CORS_MAX_AGE_SECONDS = 600;
const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS = "Authorization, Content-Type";

export function isAllowedOrigin(origin: string | null, allowed: readonly string[]): origin is string {
  return origin !== null && allowed.includes(origin);
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
