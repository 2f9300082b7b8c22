/**
 * Edge middleware: an optimistic gate in front of protected pages and APIs,
 * plus security headers on every response (SPEC §6). It verifies the token's
 * signature and claims only; whether the session is still live is the
 * data-access layer's job (lib/auth/dal.ts), which every protected handler
 * calls again. Imports only Edge-safe modules: jose, zod, and pure helpers.
 */
import { NextResponse, type NextRequest } from "next/server";
import { config as settings } from "@/lib/config";
import { keySet } from "@/lib/auth/keys";
import { readAccessToken } from "@/lib/auth/cookies";
import { TokenError, verifyAccessToken } from "@/lib/auth/tokens";
import { protectionOf, refreshRedirectPath } from "@/lib/auth/routes";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { contentSecurityPolicy, createNonce, securityHeaders } from "@/lib/http/security-headers";

async function tokenProblem(request: NextRequest): Promise<ApiError | null> {
  const { production, jwt } = settings();
  const token = readAccessToken(request.headers, (name) => request.cookies.get(name)?.value, production);
  if (token === undefined) return new ApiError("token_missing");
  try {
    await verifyAccessToken(token, await keySet(), { issuer: jwt.issuer, audience: jwt.audience });
    return null;
  } catch (error) {
    return new ApiError(error instanceof TokenError ? error.code : "invalid_token");
  }
}

function withHeaders(response: Response, headers: Record<string, string>, noStore: boolean): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  if (noStore) response.headers.set("cache-control", "no-store");
  return response;
}

export async function middleware(request: NextRequest): Promise<Response> {
  const { production } = settings();
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, production);
  const headers = securityHeaders(csp, production);
  const protection = protectionOf(request.nextUrl.pathname);

  if (protection) {
    const problem = await tokenProblem(request);
    if (problem) {
      const denied =
        protection === "api"
          ? errorResponse(problem)
          : // Next.js turns a same-origin redirect into a relative Location, so the
            // client stays on the host it used (its cookies live there).
            NextResponse.redirect(new URL(refreshRedirectPath(request.nextUrl.pathname, request.nextUrl.search), request.nextUrl));
      return withHeaders(denied, headers, true);
    }
  }

  // Next.js reads the nonce from the request's CSP header and stamps it on its scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), headers, protection !== null);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|images/).*)"],
};
