/**
 * Stopping the production server (server/start.js) the way a process
 * manager does: a request already in flight gets its normal answer, the
 * server stops accepting new connections at once, and it exits with 128 +
 * the signal's number.
 *
 * "In flight" without guessing at timing: the client sends its headers with
 * `Expect: 100-continue` and holds the body back. The server's `100 Continue`
 * proves the request has reached the app; the body follows only once the
 * server is seen refusing new connections, so the signal has been handled.
 */
import { request, type IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { AppServer } from "@/tools/app-server";
import { startSecondServer } from "../support/second-server";
import { loopbackAddress } from "@/tools/http-client";
import { refusesConnections } from "../support/tcp";
import { eventually } from "../support/eventually";

let server: AppServer | undefined;
afterEach(() => server?.terminate());

describe("the production server on a stop signal", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("finishes a request in flight on %s, then exits %i", async (signal, exitCode) => {
    server = await startSecondServer({ TRUST_PROXY: "0" }, { program: "server" });
    const { port } = server;
    const pid = server.serverPid();
    const body = JSON.stringify({ username: "niko", password: "123niko" });

    const response = await new Promise<{ status: number; json: { data: { user: { username: string } } } }>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port,
        localAddress: loopbackAddress(),
        path: "/api/auth/login",
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), expect: "100-continue" },
      });
      req.once("continue", async () => {
        process.kill(pid, signal);
        await eventually("the server stops accepting connections", () => refusesConnections(port), { withinMs: 60_000, everyMs: 50 });
        req.end(body);
      });
      req.once("response", (res: IncomingMessage) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      });
      req.once("error", reject);
      req.flushHeaders();
    });

    expect(response.status).toBe(200);
    expect(response.json.data.user.username).toBe("niko");
    expect(await server.exited).toBe(exitCode);
  }, 90_000);
});
