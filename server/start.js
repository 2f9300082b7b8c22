// @ts-check
/**
 * The production server behind `npm start` (scripts/run.ts spawns it): Next.js's
 * request handler inside a plain Node.js HTTP server, in place of `next start`.
 *
 * Why it exists: `next start` keeps an X-Forwarded-For header that the client
 * sent, so with no proxy in front a client could choose its own address for
 * every request and dodge the per-IP sign-in limit (docs/security.md#client-address). Here the
 * X-Forwarded-* headers come from the socket unless TRUST_PROXY=1 says a proxy
 * sets them (./forwarded-headers.js). Methods Next.js cannot serve (TRACE and
 * the like) get a 405 rather than its bare 500 (./methods.js). Everything else is Next.js's own work:
 * middleware, instrumentation.ts's start-up checks, routing.
 *
 *   node server/start.js [-p PORT] [-H HOSTNAME]
 *
 * Plain JavaScript rather than TypeScript through tsx, so no loader hook sits in
 * the server process. The standalone build (.next/standalone/server.js) does not
 * use it; see README "Security".
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { drainOnSignals } from "./drain.js";
import { forwardedFromSocket, trustsProxy } from "./forwarded-headers.js";
import { refuseConnect, refuseUnroutedMethod } from "./methods.js";

const ROOT = path.resolve(import.meta.dirname, "..");

/** `next start`'s options that the scripts use: -p/--port (or PORT, default 3000) and -H/--hostname. */
function options() {
  try {
    const { values } = parseArgs({ options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } } });
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`"${values.port ?? process.env.PORT}" is not a port number`);
    return { port, hostname: values.hostname };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\nusage: node server/start.js [-p PORT] [-H HOSTNAME]`);
    process.exit(1);
  }
}

const { port, hostname } = options();
// Serve with the configuration the build recorded, as Next.js's own standalone
// server does: next.config.js is not evaluated again at run time, and Next.js
// does not take this server for `next start` (whose warning about
// `output: "standalone"` would not apply here).
try {
  const built = JSON.parse(readFileSync(path.join(ROOT, ".next/required-server-files.json"), "utf8"));
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(built.config);
} catch {
  console.error("No production build in .next: run `npm run build` first.");
  process.exit(1);
}
// As `next start` does, before Next.js (and React) load: they read it once. (Next.js types it read-only.)
/** @type {Record<string, string | undefined>} */ (process.env).NODE_ENV ||= "production";
const { default: next } = await import("next");
const app = next({ dev: false, dir: ROOT, hostname, port });
// Loads the .env files and runs instrumentation.ts, which exits on a bad setting.
await app.prepare();
const handle = app.getRequestHandler();
const trustProxy = trustsProxy(process.env);

const server = createServer((request, response) => {
  if (!trustProxy) forwardedFromSocket(request);
  // TRACE and the like: a 405, where Next.js would answer a 500 or the page (./methods.js).
  if (refuseUnroutedMethod(request, response)) return;
  handle(request, response).catch((error) => {
    // As `next start` does with an error that escapes Next.js's own handling.
    console.error(error);
    if (response.headersSent) response.destroy();
    else response.writeHead(500).end("Internal Server Error");
  });
});
server.on("connect", (_request, socket) => refuseConnect(socket));
drainOnSignals(server, () => app.close());
server.on("error", (error) => {
  console.error(`Could not start the server: ${error.message}`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  console.log(`Ready on http://${hostname ?? "localhost"}:${port}${trustProxy ? " (TRUST_PROXY=1: X-Forwarded-* from the proxy)" : ""}`);
});
