/**
 * When sessions end, as the API shows it: an ADMIN ending a user's sessions,
 * the sessions list holding live sessions only (the same rule as the gate),
 * API tokens listed as such, and how much of each user the users list shows.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { bearerToken, call, registerSignedIn, signIn, signInFully } from "@/tools/http-client";
import { decodeClaims } from "../support/tokens";
import { setCookies } from "@/tools/cookies";
import { secondsAgo, setSessionTimes } from "../support/database";

const { refreshTokenTtl } = parseConfig(process.env);
const errorOf = async (response: Response) => (await response.json()).error;
const sidOf = (token: string) => decodeClaims(token).sid as string;

interface ListedSession {
  id: string;
  kind: string;
  expiresAt: string;
  current: boolean;
}

// The seeded users' sessions, signed in once for the file: no test here ends or changes them.
let toby: string;
let hop: string;
beforeAll(async () => {
  [toby, hop] = await Promise.all([signIn("toby", "123toby"), signIn("hop", "123hop")]);
});

async function sessionsOf(cookie: string): Promise<ListedSession[]> {
  const response = await call("/api/auth/sessions", { cookie });
  expect(response.status).toBe(200);
  return (await response.json()).data.sessions;
}

describe("DELETE /api/users/:id/sessions", () => {
  it("ends every session of the user, answers 204 and records sessions_revoked", async () => {
    const phone = await registerSignedIn("ended");
    const user = phone;
    const laptop = await signInFully(user.username, user.password);
    const admin = hop;

    const response = await call(`/api/users/${user.id}/sessions`, { method: "DELETE", cookie: admin });
    expect(response.status).toBe(204);
    for (const signed of [phone, laptop]) expect(await errorOf(await call("/api/auth/me", { cookie: signed.access }))).toBe("token_revoked");

    const { events } = (await (await call("/api/admin/events?type=sessions_revoked", { cookie: admin })).json()).data;
    expect(events[0]).toMatchObject({ type: "sessions_revoked", username: user.username, userId: user.id });
    const logged = readFileSync(process.env.TESSERA_SERVER_LOG!, "utf8")
      .split("\n")
      .filter((line) => line.includes('"sessions_revoked"'))
      .map((line) => JSON.parse(line));
    expect(logged).toContainEqual(expect.objectContaining({ msg: "auth_event", event: "sessions_revoked", username: user.username, actor: "hop" }));

    // The account itself is untouched: a new sign-in works.
    expect((await call("/api/auth/me", { cookie: await signIn(user.username, user.password) })).status).toBe(200);
  });

  it("answers 404 not_found for an unknown user and 400 validation_error for a malformed id", async () => {
    const admin = hop;
    const unknown = await call(`/api/users/${crypto.randomUUID()}/sessions`, { method: "DELETE", cookie: admin });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: "not_found", data: null });
    for (const id of ["not-a-uuid", "1%27%20OR%201=1", "%00"]) {
      const malformed = await call(`/api/users/${id}/sessions`, { method: "DELETE", cookie: admin });
      expect(malformed.status, id).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: "validation_error", data: null });
    }
  });

  it("signs out an ADMIN who ends their own sessions, clearing the cookies", async () => {
    // The registration's session: ADMIN rights come from the database, not from the token.
    const deputy = await registerSignedIn("deputy");
    const signed = deputy;
    expect((await call(`/api/users/${deputy.id}`, { method: "PATCH", cookie: hop, json: { role: "ADMIN" } })).status).toBe(200);
    const response = await call(`/api/users/${deputy.id}/sessions`, { method: "DELETE", cookie: signed.access });
    expect(response.status).toBe(204);
    expect(setCookies(response).map((cookie) => cookie.attributes["max-age"])).toEqual(["0", "0"]);
    expect(await errorOf(await call("/api/auth/me", { cookie: signed.access }))).toBe("token_revoked");
  });
});

describe("GET /api/auth/sessions", () => {
  it("leaves out a session unused for longer than REFRESH_TOKEN_TTL, which the gate refuses too", async () => {
    const here = await registerSignedIn("idle-list");
    const idle = await signInFully(here.username, here.password);
    expect((await sessionsOf(here.access)).map((session) => session.id)).toContain(sidOf(idle.token));

    await setSessionTimes(sidOf(idle.token), { lastUsedAt: secondsAgo(refreshTokenTtl + 60) });
    expect((await sessionsOf(here.access)).map((session) => session.id)).not.toContain(sidOf(idle.token));
    expect((await call("/api/auth/me", { cookie: idle.access })).status).toBe(401);
  });

  it("leaves out revoked sessions and those past their absolute end", async () => {
    const here = await registerSignedIn("ended-list");
    const revoked = await signInFully(here.username, here.password);
    const expired = await signInFully(here.username, here.password);
    await setSessionTimes(sidOf(revoked.token), { revokedAt: secondsAgo(1) });
    await setSessionTimes(sidOf(expired.token), { expiresAt: secondsAgo(1) });
    const listed = (await sessionsOf(here.access)).map((session) => session.id);
    expect(listed).toContain(sidOf(here.token));
    expect(listed).not.toContain(sidOf(revoked.token));
    expect(listed).not.toContain(sidOf(expired.token));
  });

  it("lists a Bearer token as an API token that ends when the token expires, and drops it once it has", async () => {
    const here = await registerSignedIn("api-token");
    const { token, expiresAt } = await bearerToken(here.username, here.password);

    const sessions = await sessionsOf(here.access);
    expect(sessions.find((session) => session.id === sidOf(token))).toMatchObject({ kind: "bearer", expiresAt, current: false });
    const cookieSession = sessions.find((session) => session.current)!;
    expect(cookieSession.kind).toBe("cookie");
    // Unless refreshed, a cookie session ends when its refresh token does.
    expect(Date.parse(cookieSession.expiresAt)).toBeLessThanOrEqual(Date.now() + refreshTokenTtl * 1000);

    // The row ends with the token: once that moment has passed, the list and the gate agree it is gone.
    await setSessionTimes(sidOf(token), { expiresAt: secondsAgo(1) });
    expect((await sessionsOf(here.access)).map((session) => session.id)).not.toContain(sidOf(token));
    expect((await call("/api/auth/me", { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});

describe("GET /api/users", () => {
  async function firstPage(cookie: string): Promise<Record<string, unknown>[]> {
    return (await (await call("/api/users?limit=100", { cookie })).json()).data.users;
  }

  it("shows a USER every field of their own entry and three of everyone else's", async () => {
    const users = await firstPage(toby);
    expect(users.find((user) => user.username === "toby")).toMatchObject({ name: "Thomas Edison", dob: "1847-02-11", role: "USER" });
    expect(users.find((user) => user.username === "niko")).toEqual({ id: expect.any(String), username: "niko", name: "Nicholas Tesla" });
  });

  it("shows an ADMIN every field of everyone", async () => {
    const users = await firstPage(hop);
    expect(users.find((user) => user.username === "niko")).toMatchObject({ dob: "1856-07-10", role: "USER", createdAt: expect.any(String) });
  });
});
