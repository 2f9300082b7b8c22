/**
 * What every /api request goes through around its handler (docs/security.md):
 * a CORS preflight is answered, a foreign write refused, a protected API
 * without a valid token gets the 401 envelope, and every answer carries the
 * security headers, CORS headers for an allowed origin and
 * `Cache-Control: no-store`.
 *
 * The route wrapper (lib/http/route.ts) applies it to every API route, so an
 * API request does not pass through the Edge middleware at all (its matcher
 * leaves /api/ out). The token check here is the same optimistic one the
 * middleware makes for pages, kept so that the answers come in the same order
 * (a 401 before any 400, 404 or 405), and cheap: the data-access layer's own
 * check of the same token is then answered from the verified-token cache.
 * Edge-safe, so the middleware can apply the same to an API path spelled in a
 * way that still reaches it (`/API/…`).
 */
import { config } from "@/lib/config";
import { corsHeaders, isAllowedOrigin } from "@/lib/edge/cors";
import { foreignWriteRefusal, type RequestLike } from "@/lib/edge/csrf";
import { errorResponse } from "@/lib/errors";
import { normalizePath, protectionOf } from "@/lib/edge/paths";
import { requestTokenProblem } from "@/lib/edge/request-token";
import { API_CONTENT_SECURITY_POLICY, securityHeaders, withHeaders } from "@/lib/edge/security-headers";

export function isApiPath(pathname: string): boolean {
  return normalizePath(pathname).startsWith("/api/");
}

/** `Access-Control-Allow-Origin` and its companions for an allowed origin; nothing for any other. */
export function corsResponseHeaders(request: RequestLike): Record<string, string> {
  const origin = request.headers.get("origin");
  return isAllowedOrigin(origin, config().corsOrigins) ? corsHeaders(origin, false) : {};
}

/** The answer to a preflight: 204, with CORS headers for an allowed origin only, so for any other the browser stops. */
export function preflight(request: RequestLike): Response {
  const origin = request.headers.get("origin");
  return new Response(null, { status: 204, headers: isAllowedOrigin(origin, config().corsOrigins) ? corsHeaders(origin, true) : {} });
}

/** The answer for an API request that ends before its handler, or null to let the handler answer. */
export async function apiGate(request: RequestLike): Promise<Response | null> {
  if (request.method === "OPTIONS") return preflight(request);
  // A foreign page may neither use our cookies nor set or clear them.
  const refused = foreignWriteRefusal(request, config());
  if (refused) return refused;
  if (protectionOf(request.nextUrl.pathname) !== "api") return null;
  const problem = await requestTokenProblem(request.headers);
  return problem ? errorResponse(problem) : null;
}

/** The headers of every API answer, whoever produced it. */
export function withApiHeaders(request: RequestLike, response: Response): Response {
  const headers = { ...securityHeaders(API_CONTENT_SECURITY_POLICY, config().production), ...corsResponseHeaders(request) };
  return withHeaders(response, headers, true);
}
