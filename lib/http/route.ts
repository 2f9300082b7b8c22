/**
 * Wraps every route handler: the API's CORS, CSRF and token checks and
 * headers come first and last (lib/edge/api-gate.ts), and whatever goes wrong
 * ends in the error envelope with the right status, never a stack trace or a
 * bare 500 page.
 */
import "server-only";
import type { NextRequest } from "next/server";
import { apiGate, preflight, withApiHeaders } from "@/lib/edge/api-gate";
import { ApiError, errorResponse } from "@/lib/errors";
import { toErrorResponse } from "@/lib/request/client-errors";

export function route<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof METHODS)[number];

/**
 * Set by the production server (server/methods.js, which keeps the
 * same name) on a request whose method Next.js cannot route (TRACE, PROPFIND,
 * …): it arrives as a GET, and the route answers it as a method it does not handle.
 */
export const REFUSED_METHOD_HEADER = "x-tessera-refused-method";

/** What Next.js hands a route handler besides the request: the dynamic segments of its path. */
export interface RouteContext<Params extends Record<string, string | string[]> = Record<string, never>> {
  params: Promise<Params>;
}

type Handler<Context> = (request: NextRequest, context: Context) => Promise<Response>;

/**
 * A route module's handlers, each behind the API gate and wrapped by `route()`.
 * Every method the module does not handle gets 405 `method_not_allowed` with
 * `Allow`, in the error envelope, where Next.js would answer a bare 405; so
 * does a method Next.js cannot route at all (REFUSED_METHOD_HEADER), unless
 * `otherMethods` answers those. OPTIONS is the CORS preflight. Export all six:
 * `export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers({ POST: … })`.
 */
export function handlers<Context = RouteContext>(
  defined: Partial<Record<Method, Handler<Context>>>,
  { otherMethods }: { otherMethods?: Handler<Context> } = {},
): Record<Method | "OPTIONS", Handler<Context>> {
  const handled = METHODS.filter((method) => defined[method]);
  // HEAD follows GET (Next.js derives it).
  const allow = [...handled, ...(defined.GET ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const notAllowed: Handler<Context> = async () => errorResponse(new ApiError("method_not_allowed", undefined, { headers: { allow } }));
  const refused = otherMethods ?? notAllowed;
  const gated = (handler: Handler<Context>): Handler<Context> => {
    const answer = route(async (request: NextRequest, context: Context) => {
      const gate = await apiGate(request);
      if (gate) return gate;
      return (request.headers.has(REFUSED_METHOD_HEADER) ? refused : handler)(request, context);
    });
    return async (request, context) => withApiHeaders(request, await answer(request, context));
  };
  return {
    ...(Object.fromEntries(METHODS.map((method) => [method, gated(defined[method] ?? notAllowed)])) as Record<Method, Handler<Context>>),
    OPTIONS: async (request) => withApiHeaders(request, preflight(request)),
  };
}

/** A JSON success response: `{ data }`, never cached. */
export function ok(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("cache-control", "no-store");
  return Response.json({ data }, { ...init, headers });
}

export function noContent(): Response {
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}

/** A 303 to a same-origin path. Relative, because behind `npm start` the request URL's host is not the client's. */
export function seeOther(path: string): Response {
  return new Response(null, { status: 303, headers: { location: path, "cache-control": "no-store" } });
}
