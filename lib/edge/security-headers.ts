/**
 * Security headers for every response (docs/security.md). Pure and Edge-safe; the
 * middleware sets them on pages, with a fresh CSP nonce per request that
 * Next.js puts on its own script tags, and the route wrapper on API answers,
 * with a fixed policy that lets them load nothing (lib/edge/api-gate.ts).
 */

export function contentSecurityPolicy(nonce: string, production: boolean): string {
  const scripts = [`'self'`, `'nonce-${nonce}'`, `'strict-dynamic'`];
  // React's development build evaluates code for stack traces and HMR talks over a websocket.
  if (!production) scripts.push(`'unsafe-eval'`);
  return [
    `default-src 'self'`,
    `script-src ${scripts.join(" ")}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'${production ? "" : " ws: wss:"}`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join("; ");
}

/**
 * API answers are JSON, read by scripts and never rendered, except one: the
 * small 503 page of the refresh route, which has inline styles and nothing to
 * run. So: nothing may load but those styles, nothing may frame them.
 */
export const API_CONTENT_SECURITY_POLICY = [
  `default-src 'none'`,
  `style-src 'unsafe-inline'`,
  `base-uri 'none'`,
  `form-action 'none'`,
  `frame-ancestors 'none'`,
].join("; ");

export function securityHeaders(csp: string, production: boolean): Record<string, string> {
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    ...(production ? { "strict-transport-security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Sets `headers` on `response`, and `Cache-Control: no-store` when it must not be cached. */
export function withHeaders(response: Response, headers: Record<string, string>, noStore: boolean): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  if (noStore) response.headers.set("cache-control", "no-store");
  return response;
}
