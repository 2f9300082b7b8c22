/**
 * What a client may see of an error, the one mapping used by route handlers and
 * server actions alike: an ApiError as it is, a database outage or timeout as
 * 503 `service_unavailable` with Retry-After, anything else as a bare 500
 * `internal_error` whose details go to the server's log only.
 */
import "server-only";
import { isDatabaseUnavailable } from "@/lib/db/errors";
import { ApiError, errorResponse } from "@/lib/errors";
import { log } from "@/lib/log";

export const RETRY_AFTER_SECONDS = 5;

/** The error meant for the client, if `error` has one: an ApiError as it is, a database outage as a 503. */
export function clientErrorOf(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (isDatabaseUnavailable(error)) {
    return new ApiError("service_unavailable", undefined, { headers: { "retry-after": String(RETRY_AFTER_SECONDS) } });
  }
  return null;
}

export function toErrorResponse(error: unknown): Response {
  const clientError = clientErrorOf(error);
  if (clientError) return errorResponse(clientError);
  // The stack goes to the server's log only; the client gets the bare envelope.
  log.error({ err: error }, "unhandled_error");
  return errorResponse(new ApiError("internal_error"));
}
