import { beforeAll, describe, expect, it } from "vitest";
import { call, signIn, uniqueName } from "@/tools/http-client";
import { decodeClaims, forgeToken } from "../support/tokens";
import { sessionCookie, SESSION_COOKIE } from "@/tools/cookies";

const password = "a-good-long-password";

async function register(username = uniqueName("user")) {
  const response = await call("/api/auth/register", { json: { username, password, name: "Test User", dob: "1990-05-17" } });
  return { response, username };
}

describe("POST /api/auth/register", () => {
  it("creates the account, answers 201 with the user, and signs it in", async () => {
    const { response, username } = await register();
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.data.user).toMatchObject({ username, name: "Test User", dob: "1990-05-17", role: "USER" });
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|\$2[aby]\$/);
    const cookie = sessionCookie(response)!;
    const me = await call("/api/auth/me", { cookie: `${cookie.name}=${cookie.value}` });
    expect((await me.json()).data.user.username).toBe(username);
  });

  it("sets the session cookie httpOnly, SameSite=Lax, Secure, Path=/, host-only, for the token's lifetime", async () => {
    const { response } = await register();
    const cookie = sessionCookie(response)!;
    expect(cookie.name).toBe(SESSION_COOKIE);
    expect(cookie.attributes).toMatchObject({ httponly: true, secure: true, path: "/", samesite: "lax", "max-age": "900" });
    expect(cookie.attributes.domain).toBeUndefined();
    expect(cookie.value.length).toBeLessThan(4096);
  });

  it("stores the username lower-case and answers 409 for a duplicate in any case", async () => {
    const { username } = await register(uniqueName("Mixed").toUpperCase());
    const again = await call("/api/auth/register", { json: { username: username.toLowerCase(), password, name: "Other" } });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "conflict", data: null });
  });

  it("answers 400 with a message per bad field", async () => {
    const response = await call("/api/auth/register", { json: { username: "x", password: "short", name: "", dob: "2023-02-30" } });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({ error: "validation_error", data: null });
    expect(Object.keys(body.fields).sort()).toEqual(["dob", "name", "password", "username"]);
  });
});

describe("POST /api/auth/login", () => {
  it("signs in with JSON: 200 with the user and expiry, and a fresh session each time", async () => {
    const first = await call("/api/auth/login", { json: { username: "toby", password: "123toby" } });
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body.data.user).toMatchObject({ username: "toby", name: "Thomas Edison", role: "USER", dob: "1847-02-11" });
    expect(new Date(body.data.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const second = await call("/api/auth/login", { json: { username: "TOBY", password: "123toby" } });
    const sid = (response: Response) => decodeClaims(sessionCookie(response)!.value).sid;
    expect(sid(second)).not.toBe(sid(first));
  });

  it("answers an unknown user and a wrong password identically", async () => {
    const unknown = await call("/api/auth/login", { json: { username: uniqueName("nobody"), password: "123toby" } });
    const wrong = await call("/api/auth/login", { json: { username: "niko", password: "not-his-password" } });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await unknown.json()).toEqual(await wrong.json());
    expect(sessionCookie(wrong)).toBeUndefined();
  });

  it("answers an HTML form with 303 to a same-origin next, and ignores an off-site one", async () => {
    const good = await call("/api/auth/login", { form: { username: "lex", password: "123qwerty", next: "/dashboard?tab=posts" } });
    expect(good.status).toBe(303);
    expect(good.headers.get("location")).toBe("/dashboard?tab=posts");
    expect(sessionCookie(good)).toBeDefined();
    for (const next of ["//evil.example/", "https://evil.example/", "/\\evil.example"]) {
      const evil = await call("/api/auth/login", { form: { username: "lex", password: "123qwerty", next } });
      expect(evil.headers.get("location")).toBe("/dashboard");
    }
  });

  it("honours ?next= on the form's action URL", async () => {
    const response = await call("/api/auth/login?next=%2Fadmin", { form: { username: "hop", password: "123hop" } });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin");
  });

  it("sends a failed form post back to /login with the error code and no password", async () => {
    const response = await call("/api/auth/login", { form: { username: "lex", password: "wrong-password" } });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login?error=invalid_credentials");
  });

  it.each([
    ["malformed JSON", { body: "{not json", headers: { "content-type": "application/json" } }, 400, "validation_error"],
    ["text/plain", { body: "username=toby", headers: { "content-type": "text/plain" } }, 415, "unsupported_media_type"],
    ["no content type", { body: "{}" }, 415, "unsupported_media_type"],
    ["a 17 KiB body", { json: { username: "toby", password: "x".repeat(17 * 1024) } }, 413, "payload_too_large"],
    ["a JSON array", { json: [1, 2] }, 400, "validation_error"],
    ["null", { json: null }, 400, "validation_error"],
  ])("answers %s with its status in the envelope", async (_case, request, status, code) => {
    const response = await call("/api/auth/login", { method: "POST", ...request });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: code, data: null, message: expect.any(String) });
  });
});

describe("POST /api/users/authenticate", () => {
  it("signs in with the seeds' {uid, password} and sets the same cookie", async () => {
    const response = await call("/api/users/authenticate", { json: { uid: "niko", password: "123niko" } });
    expect(response.status).toBe(200);
    expect((await response.json()).data.user.username).toBe("niko");
    expect(sessionCookie(response)?.attributes.httponly).toBe(true);
  });
});

describe("POST /api/auth/token", () => {
  it("returns a Bearer token for API clients and sets no cookie", async () => {
    const response = await call("/api/auth/token", { json: { username: "niko", password: "123niko" } });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    const { data } = await response.json();
    expect(data).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
    const me = await call("/api/auth/me", { headers: { authorization: `Bearer ${data.token}` } });
    expect(me.status).toBe(200);
    const { data: meData } = await me.json();
    expect(meData.claims).toMatchObject({ username: "niko", role: "USER", iss: "tessera", aud: "tessera" });
    expect(Object.keys(meData.claims).sort()).toEqual(["amr", "aud", "auth_time", "exp", "iat", "iss", "jti", "role", "sid", "sub", "username"]);
    expect(meData.claims.amr).toEqual(["pwd"]);
  });
});

describe("GET /api/auth/me", () => {
  // One session of toby's for the describe: these tests only read it.
  let toby: string;
  beforeAll(async () => {
    toby = await signIn("toby", "123toby");
  });

  it("answers token_missing without a token", async () => {
    const response = await call("/api/auth/me");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: expect.any(String), error: "token_missing", data: null });
  });

  it("answers invalid_token for garbage and token_expired for an expired token", async () => {
    expect((await (await call("/api/auth/me", { headers: { authorization: "Bearer abc.def.ghi" } })).json()).error).toBe("invalid_token");
    const me = await (await call("/api/auth/me", { cookie: toby })).json();
    const now = Math.floor(Date.now() / 1000);
    const expired = await forgeToken({ sub: me.data.user.id, username: "toby", role: "USER", sid: me.data.claims.sid, iat: now - 1000, exp: now - 100 });
    expect((await (await call("/api/auth/me", { cookie: `${SESSION_COOKIE}=${expired}` })).json()).error).toBe("token_expired");
  });

  it("answers token_revoked for a well-signed token whose session is not in the database", async () => {
    const token = await forgeToken({ sub: crypto.randomUUID(), username: "ghost", role: "ADMIN", sid: crypto.randomUUID(), amr: ["pwd"], auth_time: Math.floor(Date.now() / 1000) });
    const response = await call("/api/auth/me", { cookie: `${SESSION_COOKIE}=${token}` });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe("token_revoked");
  });

  it("does not read a plain-named cookie in production", async () => {
    const cookie = toby.replace(SESSION_COOKIE, "tessera_session");
    expect((await (await call("/api/auth/me", { cookie })).json()).error).toBe("token_missing");
  });
});

describe("POST /api/auth/logout", () => {
  it("revokes the session, so the same token stops working, and expires the cookie as it was set", async () => {
    const cookie = await signIn("lex", "123qwerty");
    const response = await call("/api/auth/logout", { method: "POST", cookie });
    expect(response.status).toBe(204);
    const cleared = sessionCookie(response)!;
    expect(cleared.attributes).toMatchObject({ "max-age": "0", path: "/", secure: true, httponly: true });
    const me = await call("/api/auth/me", { cookie });
    expect(me.status).toBe(401);
    expect((await me.json()).error).toBe("token_revoked");
  });
});

describe("GET /api/health", () => {
  it("reports the database up", async () => {
    const response = await call("/api/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", db: "up" });
  });
});
