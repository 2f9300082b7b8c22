/**
 * The self-hosting path (`output: "standalone"`): the traced server in
 * .next/standalone starts on the same database as the test server, and a user
 * signs in through it. Catches a dependency the trace missed (the bcrypt
 * workers load bcryptjs from node_modules at run time, for one).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { embeddedUrl } from "@/lib/db/embedded";
import { freePort } from "@/scripts/free-port";

/** DATABASE_URL when the run uses a server; otherwise the embedded database the test server started. */
function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const lock = path.join(process.env.EMBEDDED_DATA_DIR ?? ".data", "embedded.json");
  return embeddedUrl(JSON.parse(readFileSync(lock, "utf8")).port);
}

const stops: (() => void)[] = [];
afterAll(() => stops.forEach((stop) => stop()));

describe("the standalone server", () => {
  it("starts from .next/standalone and signs a user in", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["server.js"], {
      cwd: ".next/standalone",
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), HOSTNAME: "127.0.0.1", DATABASE_URL: databaseUrl(), DATABASE_POOL_MAX: "1" },
      detached: true,
      stdio: "ignore",
    });
    stops.push(() => process.kill(-child.pid!, "SIGTERM"));
    const base = `http://127.0.0.1:${port}`;
    let healthy = false;
    for (let attempt = 0; attempt < 100 && !healthy; attempt++) {
      healthy = await fetch(`${base}/api/health`).then((response) => response.ok, () => false);
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(healthy).toBe(true);

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
