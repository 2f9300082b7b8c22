import { beforeAll, describe, expect, it } from "vitest";
import { call, registerSignedIn, registerUser, signIn, signInFully, uniqueName } from "@/tools/http-client";

const errorOf = async (response: Response) => (await response.json()).error;

// The seeded users' sessions, signed in once for the file: no test here ends or changes them.
let toby: string;
let hop: string;
beforeAll(async () => {
  [toby, hop] = await Promise.all([signIn("toby", "123toby"), signIn("hop", "123hop")]);
});

describe("/api/auth/sessions", () => {
  it("lists the caller's live sessions, marks the current one, and describes the device", async () => {
    const { username, password } = await registerSignedIn("devices");
    const laptop = await signInFully(username, password, { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" });
    const response = await call("/api/auth/sessions", { cookie: laptop.access });
    expect(response.status).toBe(200);
    const { sessions } = (await response.json()).data;
    expect(sessions).toHaveLength(2); // registration and laptop
    const current = sessions.filter((session: { current: boolean }) => session.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ device: "Firefox on Linux", ip: expect.any(String) });
    expect(Object.keys(current[0]).sort()).toEqual(["createdAt", "current", "device", "expiresAt", "id", "ip", "kind", "lastUsedAt"]);
  });

  it("ends one session by id, and only the caller's own", async () => {
    const a = await registerSignedIn("one");
    const b = await signInFully(a.username, a.password);
    const { sessions } = (await (await call("/api/auth/sessions", { cookie: a.access })).json()).data;
    const other = sessions.find((session: { current: boolean }) => !session.current);
    const stranger = toby;
    expect((await call(`/api/auth/sessions/${other.id}`, { method: "DELETE", cookie: stranger })).status).toBe(404);
    expect((await call(`/api/auth/sessions/${crypto.randomUUID()}`, { method: "DELETE", cookie: a.access })).status).toBe(404);
    expect((await call("/api/auth/sessions/not-a-uuid", { method: "DELETE", cookie: a.access })).status).toBe(400);

    const ids = new Set(sessions.map((session: { id: string }) => session.id));
    const bSid = JSON.parse(Buffer.from(b.token.split(".")[1]!, "base64url").toString()).sid;
    expect(ids.has(bSid)).toBe(true);
    expect((await call(`/api/auth/sessions/${bSid}`, { method: "DELETE", cookie: a.access })).status).toBe(204);
    expect(await errorOf(await call("/api/auth/me", { cookie: b.access }))).toBe("token_revoked");
    expect((await call("/api/auth/me", { cookie: a.access })).status).toBe(200);
  });

  it("signs out everywhere, this session included", async () => {
    const a = await registerSignedIn("everywhere");
    const b = await signInFully(a.username, a.password);
    expect((await call("/api/auth/sessions", { method: "DELETE", cookie: a.access })).status).toBe(204);
    for (const signed of [a, b]) {
      expect(await errorOf(await call("/api/auth/me", { cookie: signed.access }))).toBe("token_revoked");
      expect(await errorOf(await call("/api/auth/refresh", { method: "POST", cookie: signed.refresh }))).toBe("token_revoked");
    }
  });
});

describe("/api/users/:id", () => {
  it("shows yourself, hides others from a USER, shows anyone to an ADMIN", async () => {
    const { access: cookie, ...me } = await registerSignedIn("self");
    const other = await registerUser("other");
    expect((await (await call(`/api/users/${me.id}`, { cookie })).json()).data.username).toBe(me.username);
    expect((await call(`/api/users/${other.id}`, { cookie })).status).toBe(403);
    expect((await call(`/api/users/${other.id}`, { cookie: hop })).status).toBe(200);
    expect((await call(`/api/users/${crypto.randomUUID()}`, { cookie: hop })).status).toBe(404);
  });

  it("changes your own name and date of birth", async () => {
    const { access: cookie, userId } = await registerSignedIn("rename");
    const response = await call(`/api/users/${userId}`, { method: "PATCH", cookie, json: { name: "New Name", dob: "1999-12-31" } });
    expect(response.status).toBe(200);
    expect((await response.json()).data).toMatchObject({ name: "New Name", dob: "1999-12-31" });
    expect(await errorOf(await call(`/api/users/${userId}`, { method: "PATCH", cookie, json: { name: "x" } }))).toBe("validation_error");
    expect(await errorOf(await call(`/api/users/${userId}`, { method: "PATCH", cookie, json: { passwordHash: "x" } }))).toBe("validation_error");
  });

  it("needs the current password to change your own, and then ends your other sessions", async () => {
    const me = await registerSignedIn("password");
    const here = me;
    const elsewhere = await signInFully(me.username, me.password);
    const without = await call(`/api/users/${me.id}`, { method: "PATCH", cookie: here.access, json: { password: "brand-new-password" } });
    expect(without.status).toBe(400);
    expect((await without.json()).fields.currentPassword).toBeDefined();
    const wrong = await call(`/api/users/${me.id}`, { method: "PATCH", cookie: here.access, json: { password: "brand-new-password", currentPassword: "nope-nope" } });
    expect(wrong.status).toBe(400);

    const changed = await call(`/api/users/${me.id}`, {
      method: "PATCH",
      cookie: here.access,
      json: { password: "brand-new-password", currentPassword: me.password },
    });
    expect(changed.status).toBe(200);
    expect((await call("/api/auth/me", { cookie: here.access })).status).toBe(200);
    expect(await errorOf(await call("/api/auth/me", { cookie: elsewhere.access }))).toBe("token_revoked");
    expect((await call("/api/auth/login", { json: { username: me.username, password: me.password } })).status).toBe(401);
    expect((await call("/api/auth/login", { json: { username: me.username, password: "brand-new-password" } })).status).toBe(200);
  });

  it("lets only an ADMIN change roles, and a demoted admin loses ADMIN rights at once", async () => {
    const admin = hop;
    const { access: deputyCookie, ...deputy } = await registerSignedIn("deputy");
    expect((await call(`/api/users/${deputy.id}`, { method: "PATCH", cookie: deputyCookie, json: { role: "ADMIN" } })).status).toBe(403);

    expect((await call(`/api/users/${deputy.id}`, { method: "PATCH", cookie: admin, json: { role: "ADMIN" } })).status).toBe(200);
    // The deputy's token still says USER, but ADMIN rights come from the database.
    const create = () => call("/api/users", { cookie: deputyCookie, json: { username: uniqueName("by-deputy"), name: "Made By Deputy" } });
    expect((await create()).status).toBe(201);
    expect((await call(`/api/users/${deputy.id}`, { method: "PATCH", cookie: admin, json: { role: "USER" } })).status).toBe(200);
    expect((await create()).status).toBe(403);
  });

  it("lets only an ADMIN delete a user, which ends all of that user's sessions at once", async () => {
    const victim = await registerSignedIn("deleted");
    const victimSession = victim;
    const user = toby;
    expect((await call(`/api/users/${victim.id}`, { method: "DELETE", cookie: user })).status).toBe(403);
    const admin = hop;
    expect((await call(`/api/users/${victim.id}`, { method: "DELETE", cookie: admin })).status).toBe(204);
    expect(await errorOf(await call("/api/auth/me", { cookie: victimSession.access }))).toBe("token_revoked");
    // The session rows went with the user, so the refresh token is simply unknown now.
    expect((await call("/api/auth/refresh", { method: "POST", cookie: victimSession.refresh })).status).toBe(401);
    expect((await call(`/api/users/${victim.id}`, { method: "DELETE", cookie: admin })).status).toBe(404);
  });
});

describe("/api/posts", () => {
  it("creates posts and lists only your own, newest first", async () => {
    const cookie = (await registerSignedIn("poster")).access;
    expect((await call("/api/posts", { cookie, json: { note: "first" } })).status).toBe(201);
    const second = await call("/api/posts", { cookie, json: { note: "second", image: "photo.png" } });
    expect((await second.json()).data).toMatchObject({ note: "second", image: "photo.png" });
    const { posts } = (await (await call("/api/posts", { cookie })).json()).data;
    expect(posts.map((post: { note: string }) => post.note)).toEqual(["second", "first"]);
    const tobys = (await (await call("/api/posts", { cookie: toby })).json()).data.posts;
    expect(tobys.map((post: { note: string }) => post.note)).toEqual(["#### Thomas Edison Test Note ####"]);
  });

  it("validates the note and the image name", async () => {
    const cookie = toby;
    expect((await call("/api/posts", { cookie, json: { note: "" } })).status).toBe(400);
    expect((await call("/api/posts", { cookie, json: { note: "x", image: "../../etc/passwd" } })).status).toBe(400);
  });
});

describe("GET /api/admin/events", () => {
  it("is ADMIN only, newest first, at most 100, filterable by type", async () => {
    expect((await call("/api/admin/events", { cookie: toby })).status).toBe(403);
    const admin = hop;
    await call("/api/auth/login", { json: { username: "toby", password: "wrong-password" } });
    const { events } = (await (await call("/api/admin/events", { cookie: admin })).json()).data;
    expect(events.length).toBeLessThanOrEqual(100);
    const times = events.map((event: { createdAt: string }) => event.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const failures = (await (await call("/api/admin/events?type=login_failure", { cookie: admin })).json()).data.events;
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((event: { type: string }) => event.type === "login_failure")).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/wrong-password|eyJ/);
    expect((await call("/api/admin/events?type=bogus", { cookie: admin })).status).toBe(400);
  });
});
