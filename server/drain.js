// @ts-check
/**
 * A graceful stop, as `next start` does it: on SIGTERM or SIGINT stop
 * accepting connections, let the requests in flight finish, close keep-alive
 * connections as they fall idle, then close Next.js and exit 143 or 130.
 * Whatever still runs 10 s later is killed by the launcher (scripts/run.ts).
 */
import { constants } from "node:os";

/**
 * @param {import("node:http").Server} server
 * @param {() => Promise<void>} closeApp
 */
export function drainOnSignals(server, closeApp) {
  let draining = false;
  // server.close() closes the connections that are idle when it is called; a
  // connection whose response finishes later would otherwise stay open until
  // its keep-alive timeout.
  server.on("request", (_request, response) => {
    response.once("finish", () => {
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  /** @param {NodeJS.Signals} signal */
  const drain = (signal) => {
    if (draining) return;
    draining = true;
    server.close(async () => {
      await closeApp().catch((error) => console.error(error));
      process.exit(128 + (constants.signals[signal] ?? 0));
    });
  };
  process.on("SIGTERM", drain);
  process.on("SIGINT", drain);
}
