/**
 * The self-hosting path (`output: "standalone"`): the traced server in
 * .next/standalone starts on the same database as the test server, and a user
 * signs in through it. Catches a dependency the trace missed (the bcrypt
 * workers load bcryptjs from node_modules at run time, for one).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { AppServer } from "@/tools/app-server";
import { startSecondServer } from "@/tests/support/second-server";
import { httpClient } from "@/tools/http-client";

let server: AppServer | undefined;
afterAll(() => server?.terminate());

describe("the standalone server", () => {
  it("starts from .next/standalone and signs a user in", async () => {
    // Inside the test timeout, so that a server that never answers is stopped, not left behind.
    server = await startSecondServer({}, { program: "standalone", readyWithinMs: 30_000 });
    const base = server.url;
    expect((await fetch(`${base}/api/health`)).ok).toBe(true);

    const { call, signIn } = httpClient(base);
    const cookie = await signIn("niko", "123niko");
    const me = await call("/api/auth/me", { cookie });
    expect((await me.json()).data.user.username).toBe("niko");
  }, 60_000);
});
