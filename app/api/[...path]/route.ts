import { ApiError, errorResponse } from "@/lib/edge/errors";

/** Any path under /api that no route handles: 404 in the JSON envelope, whatever the method, not Next.js's HTML page. */
async function notFound(): Promise<Response> {
  return errorResponse(new ApiError("not_found", "There is no such API route."));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
