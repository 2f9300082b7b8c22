/**
 * Wraps every route handler: whatever goes wrong ends in the error envelope
 * with the right status, never a stack trace or a bare 500 page.
 */
import "server-only";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { isDatabaseUnavailable } from "@/lib/db/errors";

const RETRY_AFTER_SECONDS = "5";

export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error);
  if (isDatabaseUnavailable(error)) {
    return errorResponse(new ApiError("service_unavailable", undefined, { headers: { "retry-after": RETRY_AFTER_SECONDS } }));
  }
  console.error(
    JSON.stringify({ level: "error", msg: "unhandled_error", name: error instanceof Error ? error.name : typeof error, stack: error instanceof Error ? error.stack : undefined }),
  );
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

/** A 303 to a same-origin path. Relative, because behind `next start` the request URL's host is not the client's. */
export function seeOther(path: string): Response {
  return new Response(null, { status: 303, headers: { location: path, "cache-control": "no-store" } });
}
