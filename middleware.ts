/**
 * Edge middleware, in front of every page (docs/security.md):
 * - an optimistic gate for protected pages: it verifies the token's signature
 *   and claims only, and sends a visitor without a usable one by way of the
 *   refresh route; whether the session is still live is the data-access
 *   layer's job (lib/auth/dal.ts), which every protected page calls again;
 * - CSRF refusal of every write from a foreign page (server actions are
 *   posted to pages);
 * - security headers with a fresh CSP nonce on every response.
 * API routes (/api/*) do not come here: the route wrapper gives them the same
 * CORS, CSRF, token and header handling (lib/edge/api-gate.ts), so a signed-in
 * API request is not checked twice over. An API path spelled so that it still
 * matches (`/API/…`) gets that same handling here.
 * Imports only Edge-safe modules: jose, zod, and pure helpers.
 */
import { NextResponse, type NextRequest } from "next/server";
import { config as settings } from "@/lib/config";
import { requestTokenProblem } from "@/lib/edge/request-token";
import { protectionOf, refreshRedirectPath } from "@/lib/edge/paths";
import { apiGate, corsResponseHeaders, isApiPath } from "@/lib/edge/api-gate";
import { foreignWriteRefusal } from "@/lib/edge/csrf";
import { contentSecurityPolicy, createNonce, securityHeaders, withHeaders } from "@/lib/edge/security-headers";

/** The response for a page request that is not let through, or null to let it through. */
async function pageGate(request: NextRequest): Promise<Response | null> {
  const refused = foreignWriteRefusal(request, settings());
  if (refused) return refused;
  if (protectionOf(request.nextUrl.pathname) !== "page") return null;
  if (!(await requestTokenProblem(request.headers))) return null;
  // Next.js turns a same-origin redirect into a relative Location, so the
  // client stays on the host it used (its cookies live there).
  return NextResponse.redirect(new URL(refreshRedirectPath(request.nextUrl.pathname, request.nextUrl.search), request.nextUrl));
}

export async function middleware(request: NextRequest): Promise<Response> {
  const { production } = settings();
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, production);
  const api = isApiPath(request.nextUrl.pathname);
  const headers = { ...securityHeaders(csp, production), ...(api ? corsResponseHeaders(request) : {}) };
  const noStore = api || protectionOf(request.nextUrl.pathname) !== null;

  const denied = await (api ? apiGate(request) : pageGate(request));
  if (denied) return withHeaders(denied, headers, true);

  // Next.js reads the nonce from the request's CSP header and stamps it on its scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), headers, noStore);
}

export const config = {
  // Not /api/: API routes get their checks and headers from the route wrapper (lib/http/route.ts).
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|images/).*)"],
};
