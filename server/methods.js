// @ts-check
/**
 * Request methods Next.js cannot serve, answered 405 instead of a 500 or a page.
 *
 * Node.js's parser accepts methods that fetch's `Request`, which Next.js builds for
 * the middleware and every route handler, does not: `new Request` throws on TRACE,
 * so Next.js answered it with a bare 500; WebDAV's and others (PROPFIND, SEARCH,
 * PURGE, …) got a bare 400 from an API route and the page itself from a page. The
 * production server settles them before Next.js sees them:
 *
 * - under /api/ the request goes on as a GET marked with REFUSED_METHOD_HEADER,
 *   and the route's wrapper (lib/http/route.ts) answers `405 method_not_allowed`
 *   in the JSON envelope with the route's own `Allow`, after the API's usual
 *   checks; a GET handler never runs for it;
 * - anywhere else the answer is a plain 405 here, with the methods pages serve.
 *
 * Methods Node.js's parser does not know (TRACK, anything made up) never get
 * this far: Node.js answers them 400 itself. CONNECT is not a request to a path:
 * see `refuseConnect`.
 */

/** The methods Next.js routes; tests/unit/server-methods.test.ts keeps this in step with lib/http/route.ts. */
export const ROUTED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Names the method an API request really had. Only this server sets it: one sent
 * by the client is dropped first, so it cannot turn a GET into a 405 for anyone
 * but itself anyway.
 */
export const REFUSED_METHOD_HEADER = "x-tessera-refused-method";

/** What a page answers: GET and HEAD, and POST for its forms. */
const PAGE_METHODS = "GET, HEAD, POST";

/** @param {string | undefined} url */
function isApiRequest(url) {
  try {
    return new URL(url ?? "/", "http://server.invalid").pathname.startsWith("/api/");
  } catch {
    return false;
  }
}

/** @param {number} length */
function plainHeaders(length) {
  return {
    allow: PAGE_METHODS,
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(length),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
}

const NOT_ALLOWED = "Method Not Allowed\n";

/**
 * Settles a request whose method Next.js cannot serve: true when it was
 * answered here, false when Next.js handles it (an API request marked as
 * refused, or any routed method, unchanged).
 * @param {import("node:http").IncomingMessage} request
 * @param {import("node:http").ServerResponse} response
 */
export function refuseUnroutedMethod(request, response) {
  delete request.headers[REFUSED_METHOD_HEADER];
  const method = request.method ?? "";
  if (ROUTED_METHODS.has(method)) return false;
  if (isApiRequest(request.url)) {
    request.headers[REFUSED_METHOD_HEADER] = method;
    request.method = "GET";
    return false;
  }
  response.writeHead(405, plainHeaders(Buffer.byteLength(NOT_ALLOWED))).end(NOT_ALLOWED);
  return true;
}

/**
 * CONNECT asks for a tunnel, which this server never opens. Node.js hands it
 * over as a bare socket, not a request; without this it closed the connection
 * unanswered.
 * @param {import("node:stream").Duplex} socket
 */
export function refuseConnect(socket) {
  const head = Object.entries({ ...plainHeaders(Buffer.byteLength(NOT_ALLOWED)), connection: "close" })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.on("error", () => socket.destroy());
  socket.end(`HTTP/1.1 405 Method Not Allowed\r\n${head}\r\n${NOT_ALLOWED}`);
}
