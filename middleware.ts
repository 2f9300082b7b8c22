/**
 * Edge middleware, in front of every page and API route (docs/security.md):
 * - an optimistic gate for protected pages and APIs: it verifies the token's
 *   signature and claims only; whether the session is still live is the
 *   data-access layer's job (lib/auth/dal.ts), which every protected handler
 *   calls again;
 * - CORS for the allowed front-end origins, and CSRF refusal of every write
 *   (API route or server action) from anywhere else;
 * - security headers with a fresh CSP nonce on every response.
 * Imports only Edge-safe modules: jose, zod, and pure helpers.
 */
import { NextResponse, type NextRequest } from "next/server";
import { config as settings } from "@/lib/edge/config";
import { verifyRequestToken } from "@/lib/edge/request-token";
import { normalizePath, protectionOf, refreshRedirectPath, type Protection } from "@/lib/edge/paths";
import { corsHeaders, isAllowedOrigin } from "@/lib/edge/cors";
import { appOrigin, isForeignWrite } from "@/lib/edge/csrf";
import { ApiError, errorResponse } from "@/lib/edge/errors";
import { contentSecurityPolicy, createNonce, securityHeaders } from "@/lib/edge/security-headers";

async function tokenProblem(request: NextRequest): Promise<ApiError | null> {
  try {
    await verifyRequestToken(request.headers);
    return null;
  } catch (error) {
    return error instanceof ApiError ? error : new ApiError("invalid_token");
  }
}

function withHeaders(response: Response, headers: Record<string, string>, noStore: boolean): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  if (noStore) response.headers.set("cache-control", "no-store");
  return response;
}

/** The origin the client addressed; behind a trusted proxy, the one the proxy was addressed by. */
function ownOrigin(request: NextRequest, trustProxy: boolean): string | null {
  const host = (trustProxy && request.headers.get("x-forwarded-host")) || request.headers.get("host");
  const proto = request.headers.get("x-forwarded-proto") ?? request.nextUrl.protocol.replace(":", "");
  return appOrigin(proto, host);
}

/** The response for a request that is not let through, or null to let it through. */
async function gate(request: NextRequest, api: boolean, protection: Protection, origin: string | null): Promise<Response | null> {
  const { corsOrigins, trustProxy } = settings();
  if (api && request.method === "OPTIONS") {
    // A preflight from an allowed origin is answered here; any other gets no CORS headers, so the browser stops.
    return new Response(null, { status: 204, headers: isAllowedOrigin(origin, corsOrigins) ? corsHeaders(origin, true) : {} });
  }
  // Every write, API route or server action alike: a foreign page may neither use our cookies nor set or clear them.
  if (isForeignWrite({ method: request.method, origin, fetchSite: request.headers.get("sec-fetch-site"), ownOrigin: ownOrigin(request, trustProxy), allowedOrigins: corsOrigins })) {
    return errorResponse(new ApiError("forbidden", "Cross-site request refused."));
  }
  if (!protection) return null;
  const problem = await tokenProblem(request);
  if (!problem) return null;
  return protection === "api"
    ? errorResponse(problem)
    : // Next.js turns a same-origin redirect into a relative Location, so the
      // client stays on the host it used (its cookies live there).
      NextResponse.redirect(new URL(refreshRedirectPath(request.nextUrl.pathname, request.nextUrl.search), request.nextUrl));
}

export async function middleware(request: NextRequest): Promise<Response> {
  const { production, corsOrigins } = settings();
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, production);
  const api = normalizePath(request.nextUrl.pathname).startsWith("/api/");
  const protection = protectionOf(request.nextUrl.pathname);
  const origin = request.headers.get("origin");
  const headers = {
    ...securityHeaders(csp, production),
    ...(api && isAllowedOrigin(origin, corsOrigins) ? corsHeaders(origin, false) : {}),
  };
  const noStore = api || protection !== null;

  const denied = await gate(request, api, protection, origin);
  if (denied) return withHeaders(denied, headers, true);

  // Next.js reads the nonce from the request's CSP header and stamps it on its scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), headers, noStore);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|images/).*)"],
};
