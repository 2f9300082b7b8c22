/**
 * The self-hosting path (`output: "standalone"`): the traced server in
 * .next/standalone starts on the same database as the test server, and a user
 * signs in through it. Catches a dependency the trace missed (the bcrypt
 * workers load bcryptjs from node_modules at run time, for one).
 */
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { serverEnv, startServer, type ServerProcess } from "../support/server-process";

let server: ServerProcess | undefined;
afterAll(() => server?.stop());

describe("the standalone server", () => {
  it("starts from .next/standalone and signs a user in", async () => {
    server = await startServer((port) =>
      spawn(process.execPath, ["server.js"], {
        cwd: ".next/standalone",
        env: serverEnv({ PORT: String(port), HOSTNAME: "127.0.0.1" }),
        detached: true,
      }),
    );
    const base = server.baseUrl;
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "niko", password: "123niko" }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((line) => line.startsWith("__Host-tessera_session="))!.split(";")[0]!;
    const me = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
    expect((await me.json()).data.user.username).toBe("niko");
  }, 60_000);
});
