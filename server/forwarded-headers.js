// @ts-check
/**
 * Who the client is, as the production server tells the app (docs/security.md#client-address). Next.js
 * fills the X-Forwarded-* headers from the socket only when the client sent
 * none, so without a proxy in front a client could name its own address (and
 * dodge the per-IP sign-in limit), host or scheme. Unless TRUST_PROXY says a
 * proxy sets these headers, they are rewritten from the connection itself.
 */

/**
 * TRUST_PROXY as lib/config.ts reads it ("1" or "true"); tests/unit/forwarded-headers.test.ts
 * keeps the two in step. The server cannot import lib/config.ts: it is plain JavaScript.
 * @param {Record<string, string | undefined>} env
 */
export function trustsProxy(env) {
  return env.TRUST_PROXY === "1" || env.TRUST_PROXY === "true";
}

/**
 * Replaces what the client said about itself with what the socket says. What
 * the app reads: X-Forwarded-For (client IP: rate limits, sessions, audit
 * events), X-Forwarded-Proto (Secure cookies), X-Forwarded-Host (the origin
 * checks of the middleware and of Next.js's server actions). X-Real-IP and
 * Forwarded are read by nothing here, and are dropped so nothing ever does.
 * @param {import("node:http").IncomingMessage} request
 */
export function forwardedFromSocket({ headers, socket }) {
  const set = (/** @type {string} */ name, /** @type {string | undefined} */ value) => {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  };
  set("x-forwarded-for", socket.remoteAddress);
  set("x-forwarded-proto", "encrypted" in socket && socket.encrypted ? "https" : "http");
  set("x-forwarded-host", headers.host);
  set("x-forwarded-port", socket.localPort === undefined ? undefined : String(socket.localPort));
  delete headers["x-real-ip"];
  delete headers.forwarded;
}
