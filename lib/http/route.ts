/**
 * Wraps every route handler: whatever goes wrong ends in the error envelope
 * with the right status, never a stack trace or a bare 500 page.
 */
import "server-only";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { clientErrorOf } from "@/lib/http/unavailable";
import { log } from "@/lib/log";

export function toErrorResponse(error: unknown): Response {
  const clientError = clientErrorOf(error);
  if (clientError) return errorResponse(clientError);
  // The stack goes to the server's log only; the client gets the bare envelope.
  log.error({ err: error }, "unhandled_error");
  return errorResponse(new ApiError("internal_error"));
}

export function route<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      return toErrorResponse(error);
    }
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
