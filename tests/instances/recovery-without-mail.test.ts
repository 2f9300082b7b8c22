/**
 * A production server without mail (no SMTP_URL, no APP_URL): the features
 * that would send mail answer 503 `email_unavailable` with a message that says
 * what to do, an address can still be saved (unconfirmed), the sign-in page
 * offers no link by email, and an admin's reset link still works, as a path
 * on this site.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "@/tools/app-server";
import { deleteUsers } from "../support/database";
import { httpClient, TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { uniqueAddress } from "../support/mailbox";
import { cookieHeader, sessionCookie } from "@/tools/cookies";
import { startSecondServer } from "../support/second-server";
import { WITHOUT_PROVIDERS } from "../support/federation";

let server: AppServer;
const created: string[] = [];

beforeAll(async () => {
  server = await startSecondServer({ SMTP_URL: "", APP_URL: "", ...WITHOUT_PROVIDERS }, { name: "no-mail" });
}, 120_000);
afterAll(async () => {
  await deleteUsers(created);
  await server?.terminate();
});

const envelope = async (response: Response) => (await response.json()) as { data: Record<string, unknown> | null; error?: string; message?: string };

describe("a server without mail", () => {
  it("answers forgot-password and a new confirmation link with 503 email_unavailable", async () => {
    const { call } = httpClient(server.url);
    const username = uniqueName("no-mail");
    const registered = await call("/api/auth/register", { json: { username, password: TEST_PASSWORD, name: "No Mail", email: uniqueAddress("no-mail") } });
    expect(registered.status).toBe(201);
    const body = await envelope(registered);
    created.push((body.data as { user: { id: string } }).user.id);
    expect(body.data).toMatchObject({ user: { emailVerified: false } });

    const forgot = await call("/api/auth/password/forgot", { json: { username } });
    expect(forgot.status).toBe(503);
    const refusal = await envelope(forgot);
    expect(refusal.error).toBe("email_unavailable");
    expect(refusal.message).toMatch(/reset link/);

    const resend = await call("/api/auth/email/resend", { method: "POST", cookie: cookieHeader(sessionCookie(registered)!) });
    expect(resend.status).toBe(503);
  });

  it("offers no sign-in link by email: none on the sign-in page, and asking for one is 503 email_unavailable", async () => {
    const { call } = httpClient(server.url);
    expect(await (await call("/login")).text()).not.toContain("Email me a sign-in link");
    const asked = await call("/api/auth/email-link", { json: { email: uniqueAddress("no-mail") } });
    expect(asked.status).toBe(503);
    const refusal = await envelope(asked);
    expect(refusal.error).toBe("email_unavailable");
    expect(refusal.message).toMatch(/password/);
  });

  it("still gives an admin a reset link, as a path on this site, that works", async () => {
    const { call, signIn, registerUser } = httpClient(server.url);
    const user = await registerUser("no-mail-link");
    created.push(user.id);
    const admin = await signIn("hop", "123hop");
    const issued = await call(`/api/users/${user.id}/reset-link`, { method: "POST", cookie: admin });
    expect(issued.status).toBe(201);
    const { url } = (await envelope(issued)).data as { url: string };
    expect(url).toMatch(/^\/reset-password\?token=[A-Za-z0-9_-]{43}$/);

    const token = new URLSearchParams(url.split("?")[1]).get("token");
    expect((await call("/api/auth/password/reset", { json: { token, password: "a-brand-new-passphrase" } })).status).toBe(204);
    expect((await call("/api/auth/login", { json: { username: user.username, password: "a-brand-new-passphrase" } })).status).toBe(200);
  });
});
