/**
 * The attack suite (`npm run test:security`): what an auditor would throw at a
 * running production build. Each case forges or replays something an attacker
 * could, and asserts the server gives nothing away.
 */
import { createHmac, sign } from "node:crypto";
import { base64url, exportSPKI } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { buildKeySet } from "@/lib/edge/keys";
import { call, registerSignedIn, registerUser, signInFully, uniqueName, type Signed } from "@/tools/http-client";
import { decodeClaims, forgeToken } from "../support/tokens";
import { SESSION_COOKIE } from "@/tools/cookies";

const settings = parseConfig(process.env).jwt;
let victim: Signed;
let claims: Record<string, unknown>;

beforeAll(async () => {
  victim = await signInFully("toby", "123toby");
  claims = decodeClaims(victim.token);
});

const part = (value: object) => base64url.encode(JSON.stringify(value));

/** A JWS with any header, signed with HMAC under any secret: the tool of every algorithm-confusion attack. */
function hmacToken(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | Buffer, hash = "sha256"): string {
  const input = `${part(header)}.${part(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest("base64url")}`;
}

/** Signs any header with the server's own key, by hand: jose itself refuses to sign some of what an attacker would send. */
async function rawServerToken(header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const { current } = await buildKeySet(settings);
  const fullHeader = { alg: current.alg, typ: "at+jwt", kid: current.kid, ...header };
  if (settings.alg === "HS256") return hmacToken(fullHeader, payload, settings.secret!);
  const input = `${part(fullHeader)}.${part(payload)}`;
  const key = settings.privateKey!;
  const signature =
    settings.alg === "EdDSA"
      ? sign(null, Buffer.from(input), key)
      : sign("sha256", Buffer.from(input), settings.alg === "ES256" ? { key, dsaEncoding: "ieee-p1363" } : key);
  return `${input}.${signature.toString("base64url")}`;
}

async function meWith(token: string) {
  const response = await call("/api/auth/me", { cookie: `${SESSION_COOKIE}=${token}` });
  return { status: response.status, error: (await response.json()).error as string };
}

async function dashboardWith(token: string) {
  const response = await call("/dashboard", { cookie: `${SESSION_COOKIE}=${token}` });
  return { status: response.status, html: await response.text() };
}

/** Every forged token must be refused by the API and must not open a protected page. */
async function expectRefused(token: string, error = "invalid_token") {
  expect(await meWith(token)).toEqual({ status: 401, error });
  const page = await dashboardWith(token);
  expect(page.status).not.toBe(200);
  expect(page.html).not.toContain("Your access token");
}

const escalated = () => ({ ...claims, role: "ADMIN", username: "hop" });

describe("forged and tampered tokens", () => {
  it("rejects alg none", async () => {
    await expectRefused(`${part({ alg: "none", typ: "at+jwt" })}.${part(escalated())}.`);
  });

  it.each(["sha384", "sha512"])("rejects an HMAC algorithm swap (%s with the same key material)", async (hash) => {
    const alg = hash === "sha384" ? "HS384" : "HS512";
    const keys = await buildKeySet(settings);
    const secret = settings.secret ?? (await exportSPKI((keys.byKid.get(keys.current.kid)!.key)));
    await expectRefused(hmacToken({ alg, typ: "at+jwt", kid: keys.current.kid }, escalated(), secret, hash));
  });

  it("rejects HS256 signed with the public key as the secret (asymmetric deployments)", async () => {
    const keys = await buildKeySet(settings);
    const current = keys.byKid.get(keys.current.kid)!;
    if (settings.alg === "HS256") {
      // Nothing public to abuse: the JWKS publishes no key under HS256.
      expect((await (await call("/.well-known/jwks.json")).json()).keys).toEqual([]);
      return;
    }
    const pem = await exportSPKI(current.key);
    await expectRefused(hmacToken({ alg: "HS256", typ: "at+jwt", kid: current.kid }, escalated(), pem));
  });

  it("rejects a stripped signature", async () => {
    await expectRefused(victim.token.slice(0, victim.token.lastIndexOf(".") + 1));
  });

  it("rejects a tampered payload that escalates the role", async () => {
    const [header, , signature] = victim.token.split(".");
    await expectRefused(`${header}.${part(escalated())}.${signature}`);
  });

  describe("lifetime", () => {
    const now = () => Math.floor(Date.now() / 1000);

    it("rejects an expired token as token_expired", async () => {
      expect(await meWith(await forgeToken({ ...claims, iat: now() - 1000, exp: now() - 60 }))).toEqual({ status: 401, error: "token_expired" });
    });

    it("rejects a token issued in the future", async () => {
      await expectRefused(await forgeToken({ ...claims, iat: now() + 600, exp: now() + 1500 }));
    });

    it("rejects a token not valid before a future nbf", async () => {
      await expectRefused(await forgeToken({ ...claims, nbf: now() + 600 }));
    });
  });

  it.each([
    ["a wrong issuer", {}, { iss: "https://attacker.example" }],
    ["a wrong audience", {}, { aud: "another-app" }],
    ["a wrong typ", { typ: "JWT" }, {}],
    ["an unknown kid", { kid: "attacker-key" }, {}],
    ["a kid path injection", { kid: "../../../../../../dev/null" }, {}],
    ["a kid SQL injection", { kid: "' OR '1'='1" }, {}],
    ["a jku header", { jku: "https://attacker.example/jwks.json" }, {}],
    ["an x5u header", { x5u: "https://attacker.example/cert.pem" }, {}],
    ["an embedded jwk header", { jwk: { kty: "oct", k: base64url.encode("attacker") } }, {}],
  ])("rejects %s", async (_case, header, extra) => {
    await expectRefused(await forgeToken({ ...claims, ...extra }, header));
  });

  it("rejects an unknown crit extension", async () => {
    const control = await rawServerToken({}, claims);
    expect((await meWith(control)).status).toBe(200);
    await expectRefused(await rawServerToken({ crit: ["urn:attacker:ext"], "urn:attacker:ext": true }, claims));
  });

  it.each([
    ["a sid that is not a UUID", { sid: "x" }],
    ["a sid carrying SQL", { sid: "' OR 1=1 --" }],
    ["a sub that is not a UUID", { sub: "1 OR 1=1" }],
    ["a numeric sid", { sid: 42 }],
  ])("rejects a token signed with the server's own key whose claims have the wrong shape: %s", async (_case, wrong) => {
    await expectRefused(await forgeToken({ ...claims, ...wrong }));
  });

  it("rejects a 10 KiB token", async () => {
    await expectRefused(await forgeToken({ ...claims, padding: "x".repeat(10 * 1024) }));
  });

  it("rejects a well-signed token of a signed-out session", async () => {
    const signed = await signInFully("niko", "123niko");
    await call("/api/auth/logout", { method: "POST", cookie: signed.access });
    expect(await meWith(signed.token)).toEqual({ status: 401, error: "token_revoked" });
  });
});

/**
 * Middleware checks only a token's signature and claims, so a signed-out
 * session's token passes it: each handler and page must refuse it itself
 * (lib/auth/dal.ts). An admin's, so that nothing is refused for lack of a role.
 */
describe("a signed-out admin session's token, which middleware lets through", () => {
  let revoked: Signed;

  beforeAll(async () => {
    revoked = await signInFully("hop", "123hop");
    expect((await call("/api/auth/logout", { method: "POST", cookie: revoked.access })).status).toBe(204);
  });

  it.each(["/api/auth/me", "/api/auth/sessions", "/api/users", "/api/posts", "/api/admin/events", "/api/users/:self"])("gets nothing from %s", async (path) => {
    const response = await call(path.replace(":self", revoked.userId), { cookie: revoked.access });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe("token_revoked");
  });

  it.each(["/dashboard", "/admin"])("gets nothing from %s", async (path) => {
    const response = await call(path, { cookie: revoked.access });
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toMatch(/Your access token|Latest auth events/);
  });
});

describe("middleware bypass", () => {
  const bypass = { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" };

  it.each(["/api/auth/me", "/api/users", "/api/posts", "/api/admin/events"])("gets nothing from %s with x-middleware-subrequest", async (path) => {
    expect((await call(path, { headers: bypass })).status).toBe(401);
  });

  it.each(["/dashboard", "/admin"])("gets nothing from %s with x-middleware-subrequest", async (path) => {
    const response = await call(path, { headers: bypass });
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toMatch(/Your access token|Latest auth events/);
  });

  it("gets nothing from RSC and prefetch requests for a protected page", async () => {
    const variants: Record<string, string>[] = [{ rsc: "1" }, { rsc: "1", "next-router-prefetch": "1" }];
    for (const headers of variants) {
      const response = await call("/dashboard", { headers });
      expect(response.status).toBe(307);
      expect(await response.text()).not.toContain("Your access token");
    }
  });
});

describe("open redirects", () => {
  it.each(["//evil.example", "https://evil.example/", "/\\evil.example", "/%2F%2Fevil.example", "javascript:alert(1)"])(
    "never sends a signed-in user off-site through next=%j",
    async (next) => {
      const response = await call(`/api/auth/login?next=${encodeURIComponent(next)}`, { form: { username: "lex", password: "123qwerty" } });
      const location = response.headers.get("location")!;
      expect(location.startsWith("/")).toBe(true);
      expect(location.startsWith("//")).toBe(false);
      expect(new URL(location, "https://app.example").origin).toBe("https://app.example");
    },
  );

  /** Dot segments the URL parser removes, leaving `//host`; plain and percent-encoded. */
  const dotSegments = ["/.//evil.example/x", "/..//evil.example/x", "/a/..//evil.example/x", "/./\\evil.example/x", "/%2e//evil.example/x", "/a/%2E%2E//evil.example/x"];
  const expectSameSite = (location: string | null) => {
    expect(location).not.toBeNull();
    expect(location!).toMatch(/^\/(?![\\/])/);
    expect(new URL(location!, "https://app.example").origin).toBe("https://app.example");
  };

  it.each(dotSegments)("a signed-out visitor is not sent off-site by /unavailable?next=%j", async (next) => {
    const response = await call(`/unavailable?next=${encodeURIComponent(next)}`);
    const refresh = /<meta http-equiv="refresh" content="\d+;\s*url=([^"]*)"/i.exec(await response.text());
    expect(refresh).not.toBeNull();
    expectSameSite(refresh![1]!.replaceAll("&amp;", "&"));
  });

  it.each(dotSegments)("the sign-in form does not redirect off-site through next=%j", async (next) => {
    const viaField = await call("/api/auth/login", { form: { username: "lex", password: "123qwerty", next } });
    expect(viaField.status).toBe(303);
    expectSameSite(viaField.headers.get("location"));
    const viaQuery = await call(`/api/auth/login?next=${encodeURIComponent(next)}`, { form: { username: "lex", password: "123qwerty" } });
    expectSameSite(viaQuery.headers.get("location"));
  });

  it.each(dotSegments)("the refresh route does not redirect off-site through next=%j", async (next) => {
    const { refresh } = await signInFully("lex", "123qwerty");
    const response = await call(`/api/auth/refresh?next=${encodeURIComponent(next)}`, { cookie: refresh });
    expect(response.status).toBe(303);
    expectSameSite(response.headers.get("location"));
  });
});

describe("user enumeration", () => {
  it("answers an unknown username and a wrong password with the same status, body and headers", async () => {
    const unknown = await call("/api/auth/login", { json: { username: uniqueName("ghost"), password: "not-right-at-all" } });
    const wrong = await call("/api/auth/login", { json: { username: "niko", password: "not-right-at-all" } });
    expect(unknown.status).toBe(wrong.status);
    expect(await unknown.text()).toBe(await wrong.text());
    expect([...unknown.headers.keys()].sort()).toEqual([...wrong.headers.keys()].sort());
  });
});

describe("cross-site requests", () => {
  it("refuses CSRF: a foreign page's cookie-carrying write", async () => {
    const response = await call("/api/auth/sessions", { method: "DELETE", cookie: victim.access, headers: { origin: "https://evil.example" } });
    expect(response.status).toBe(403);
    expect((await call("/api/auth/me", { cookie: victim.access })).status).toBe(200);
  });

  it("gives a foreign origin no CORS access to a signed-in response", async () => {
    const response = await call("/api/auth/me", { cookie: victim.access, headers: { origin: "https://evil.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("rate limits", () => {
  it("cannot be bypassed by varying the username's letter case or padding", async () => {
    const { username, password } = await registerUser("casey");
    const spellings = [username, username.toUpperCase(), ` ${username}`, `${username} `, username[0]!.toUpperCase() + username.slice(1)];
    for (const spelling of spellings) await call("/api/auth/login", { json: { username: spelling, password: "wrong-password" } });
    const response = await call("/api/auth/login", { json: { username: username.toUpperCase(), password } });
    expect(response.status).toBe(429);
  });

  it("an admin check reads the role from the database, not the token", async () => {
    const { access: cookie, id } = await registerSignedIn("climber");
    const forged = await forgeToken({ ...decodeClaims(cookie.split("=")[1]!), role: "ADMIN" });
    expect((await call("/api/admin/events", { cookie: `${SESSION_COOKIE}=${forged}` })).status).toBe(403);
    expect((await call(`/api/users/${id}`, { method: "PATCH", cookie: `${SESSION_COOKIE}=${forged}`, json: { role: "ADMIN" } })).status).toBe(403);
  });
});
