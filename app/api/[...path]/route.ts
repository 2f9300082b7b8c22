import { ApiError, errorResponse } from "@/lib/errors";
import { handlers, type RouteContext } from "@/lib/http/route";

/** Any path under /api that no route handles: 404 in the JSON envelope, whatever the method (TRACE too), not Next.js's HTML page. */
async function notFound(): Promise<Response> {
  return errorResponse(new ApiError("not_found", "There is no such API route."));
}

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handlers<RouteContext<{ path: string[] }>>(
  {
    GET: notFound,
    POST: notFound,
    PUT: notFound,
    PATCH: notFound,
    DELETE: notFound,
  },
  { otherMethods: notFound },
);
