/**
 * Attacks on when a session ends and on what a signed-in user may read: a USER
 * trying an ADMIN's "end sessions", tokens of sessions an ADMIN ended or that
 * sat idle too long, and harvesting other users' dates of birth and roles.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { bearerToken, call, registerSignedIn, signInFully, type Signed } from "@/tools/http-client";
import { decodeClaims, forgeToken } from "../support/tokens";
import { SESSION_COOKIE } from "@/tools/cookies";
import { secondsAgo, setSessionTimes } from "../support/database";

const { refreshTokenTtl } = parseConfig(process.env);
const errorOf = async (response: Response) => (await response.json()).error;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

// The seeded users' sessions, signed in once for the file: no test here ends or changes them.
let toby: Signed;
let hop: Signed;
beforeAll(async () => {
  [toby, hop] = await Promise.all([signInFully("toby", "123toby"), signInFully("hop", "123hop")]);
});

describe("ending a user's sessions", () => {
  it("is refused to a USER with 403 forbidden, and ends nothing", async () => {
    const victim = await registerSignedIn("victim");
    const signed = victim;
    const attacker = toby.access;
    const response = await call(`/api/users/${victim.id}/sessions`, { method: "DELETE", cookie: attacker });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toBe("forbidden");
    expect((await call("/api/auth/me", { cookie: signed.access })).status).toBe(200);
  });

  it("by an ADMIN refuses every token of that user at once: access cookie, refresh cookie and Bearer token", async () => {
    const victim = await registerSignedIn("ended");
    const signed = victim;
    const { token } = await bearerToken(victim.username, victim.password);
    expect((await call("/api/auth/me", bearer(token))).status).toBe(200);

    const admin = hop.access;
    expect((await call(`/api/users/${victim.id}/sessions`, { method: "DELETE", cookie: admin })).status).toBe(204);
    expect(await errorOf(await call("/api/auth/me", { cookie: signed.access }))).toBe("token_revoked");
    expect(await errorOf(await call("/api/auth/me", bearer(token)))).toBe("token_revoked");
    expect(await errorOf(await call("/api/auth/refresh", { method: "POST", cookie: signed.refresh }))).toBe("token_revoked");
    expect((await call("/api/users", { cookie: signed.access })).status).toBe(401);
  });
});

describe("an idle session", () => {
  it("refuses its still-unexpired access token once unused for longer than REFRESH_TOKEN_TTL", async () => {
    const signed = await registerSignedIn("idle");
    await setSessionTimes(decodeClaims(signed.token).sid as string, { lastUsedAt: secondsAgo(refreshTokenTtl + 60) });
    expect(await errorOf(await call("/api/auth/me", { cookie: signed.access }))).toBe("token_revoked");
    expect((await call("/api/posts", { cookie: signed.access })).status).toBe(401);
    expect(await errorOf(await call("/api/auth/refresh", { method: "POST", cookie: signed.refresh }))).toBe("token_expired");
  });
});

describe("the users list", () => {
  /** Every user on every page, as `cookie`'s owner sees them. */
  async function everyone(cookie: string): Promise<Record<string, unknown>[]> {
    const users: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const response = await call(`/api/users?limit=100${cursor ? `&cursor=${cursor}` : ""}`, { cookie });
      expect(response.status).toBe(200);
      const { data } = await response.json();
      users.push(...data.users);
      cursor = data.nextCursor;
    } while (cursor);
    return users;
  }

  it("gives a USER only the id, username and name of everyone else: no date of birth, no role", async () => {
    const me = await registerSignedIn("curious");
    const users = await everyone(me.access);
    const others = users.filter((user) => user.id !== me.id);
    expect(others.map((user) => user.username)).toContain("hop");
    for (const user of others) expect(Object.keys(user).sort()).toEqual(["id", "name", "username"]);
    expect(JSON.stringify(others)).not.toContain("1906-12-09"); // Grace Hopper's date of birth
    expect(JSON.stringify(others)).not.toContain("ADMIN");
  });

  it("does not widen for a token that claims ADMIN: the role that counts is the database's", async () => {
    const forged = await forgeToken({ ...decodeClaims(toby.token), role: "ADMIN" });
    const users = await everyone(`${SESSION_COOKIE}=${forged}`);
    const listed = users.find((user) => user.username === "hop");
    expect(listed).toEqual({ id: expect.any(String), username: "hop", name: "Grace Hopper" });
  });

  it("gives a USER no one else's record from /api/users/:id", async () => {
    const response = await call(`/api/users/${hop.userId}`, { cookie: toby.access });
    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).not.toContain("1906-12-09");
  });
});
