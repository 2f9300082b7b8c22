import { beforeAll, describe, expect, it } from "vitest";
import { call, registerUser, signIn, uniqueName } from "@/tools/http-client";

let userCookie: string;
let adminCookie: string;

beforeAll(async () => {
  userCookie = await signIn("toby", "123toby");
  adminCookie = await signIn("hop", "123hop");
});

describe("GET /api/users", () => {
  it("needs a signed-in user", async () => {
    expect((await call("/api/users")).status).toBe(401);
  });

  it("lists users oldest first without secrets, paged by cursor until nextCursor is null (every field, to an ADMIN)", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await call(`/api/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { cookie: adminCookie });
      expect(response.status).toBe(200);
      const { data } = await response.json();
      expect(data.users.length).toBeLessThanOrEqual(2);
      for (const user of data.users) {
        expect(Object.keys(user).sort()).toEqual(["createdAt", "dob", "email", "emailVerified", "id", "name", "role", "username"]);
        seen.push(user.createdAt);
      }
      cursor = data.nextCursor;
      pages++;
    } while (cursor && pages < 500);
    expect(cursor).toBeNull();
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect([...seen].sort()).toEqual(seen);
  });

  it("goes on after the user its cursor names was deleted", async () => {
    const first = await registerUser("paged");
    const second = await registerUser("paged");
    // Walk the pages to the one that holds `first`, then ask again for that page cut off at `first`:
    // its nextCursor names `first`.
    let before: string | null = null;
    let index = -1;
    for (let pages = 0; index < 0 && pages < 500; pages++) {
      const { data } = await (await call(`/api/users?limit=100${before ? `&cursor=${before}` : ""}`, { cookie: adminCookie })).json();
      index = data.users.findIndex((user: { id: string }) => user.id === first.id);
      if (index < 0) before = data.nextCursor;
    }
    expect(index).toBeGreaterThanOrEqual(0);
    const cut = await (await call(`/api/users?limit=${index + 1}${before ? `&cursor=${before}` : ""}`, { cookie: adminCookie })).json();
    expect(cut.data.users.at(-1).id).toBe(first.id);

    expect((await call(`/api/users/${first.id}`, { method: "DELETE", cookie: adminCookie })).status).toBe(204);
    const next = await call(`/api/users?limit=100&cursor=${cut.data.nextCursor}`, { cookie: adminCookie });
    expect(next.status).toBe(200);
    const ids = (await next.json()).data.users.map((user: { id: string }) => user.id);
    expect(ids).toContain(second.id);
    expect(ids).not.toContain(first.id);
    await call(`/api/users/${second.id}`, { method: "DELETE", cookie: adminCookie });
  });

  it("rejects a limit over 100", async () => {
    const response = await call("/api/users?limit=101", { cookie: userCookie });
    expect(response.status).toBe(400);
    expect((await response.json()).fields.limit).toBeDefined();
  });
});

describe("POST /api/users", () => {
  it("is forbidden to a USER", async () => {
    const response = await call("/api/users", { cookie: userCookie, json: { username: uniqueName("x"), name: "Nope" } });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toBe("forbidden");
  });

  it("lets an ADMIN create a user (201) and answers 409 for a duplicate", async () => {
    const username = uniqueName("made");
    const created = await call("/api/users", { cookie: adminCookie, json: { username, name: "Made By Admin", dob: "2000-01-01", password: "a-new-password" } });
    expect(created.status).toBe(201);
    expect((await created.json()).data).toMatchObject({ username, name: "Made By Admin", dob: "2000-01-01", role: "USER" });
    expect((await call("/api/users", { cookie: adminCookie, json: { username, name: "Again" } })).status).toBe(409);
    expect((await call("/api/auth/login", { json: { username, password: "a-new-password" } })).status).toBe(200);
  });

  it("validates name, username and dob", async () => {
    const response = await call("/api/users", { cookie: adminCookie, json: { username: "a", name: "b", dob: "01/02/2000" } });
    expect(response.status).toBe(400);
    expect(Object.keys((await response.json()).fields).sort()).toEqual(["dob", "name", "username"]);
  });
});
