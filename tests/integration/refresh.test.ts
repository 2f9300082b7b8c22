import { beforeAll, describe, expect, it } from "vitest";
import { call, registerSignedIn, signIn, signInFully } from "@/tools/http-client";
import { decodeClaims, forgeToken } from "../support/tokens";
import { refreshCookie, sessionCookie, REFRESH_COOKIE, SESSION_COOKIE } from "@/tools/cookies";

async function refresh(cookie: string) {
  const response = await call("/api/auth/refresh", { method: "POST", cookie });
  const next = refreshCookie(response);
  return { response, body: await response.json(), refresh: next && next.value ? `${next.name}=${next.value}` : undefined, access: sessionCookie(response) };
}

describe("the refresh cookie", () => {
  // One sign-in's cookie for both tests: neither uses it to refresh or sign out.
  let cookie: NonNullable<ReturnType<typeof refreshCookie>>;
  beforeAll(async () => {
    cookie = refreshCookie(await call("/api/auth/login", { json: { username: "niko", password: "123niko" } }))!;
  });

  it("is httpOnly, Secure, SameSite=Strict, limited to the auth routes, and lives REFRESH_TOKEN_TTL", async () => {
    expect(cookie.name).toBe(REFRESH_COOKIE);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes).toMatchObject({ httponly: true, secure: true, samesite: "strict", path: "/api/auth", "max-age": "604800" });
    expect(cookie.attributes.domain).toBeUndefined();
  });

  it("is not an access token: presented as one, it is refused", async () => {
    expect((await (await call("/api/auth/me", { cookie: `${SESSION_COOKIE}=${cookie.value}` })).json()).error).toBe("invalid_token");
  });
});

describe("POST /api/auth/refresh", () => {
  it("returns a new access token and a rotated refresh token, in cookies only, for the same session", async () => {
    const signed = await signInFully("lex", "123qwerty");
    const { response, body, refresh: rotated, access } = await refresh(signed.refresh);
    expect(response.status).toBe(200);
    expect(Object.keys(body.data)).toEqual(["expiresAt"]);
    expect(rotated).toBeDefined();
    expect(rotated).not.toBe(signed.refresh);
    expect(decodeClaims(access!.value).sid).toBe(decodeClaims(signed.token).sid);
    expect(decodeClaims(access!.value).jti).not.toBe(decodeClaims(signed.token).jti);
    expect((await call("/api/auth/me", { cookie: `${access!.name}=${access!.value}` })).status).toBe(200);
  });

  it("answers token_missing without the cookie and invalid_token for a made-up one", async () => {
    expect((await refresh("")).body.error).toBe("token_missing");
    expect((await refresh(`${REFRESH_COOKIE}=${"A".repeat(43)}`)).body.error).toBe("invalid_token");
    expect((await refresh(`${REFRESH_COOKIE}=not-even-the-right-shape`)).body.error).toBe("invalid_token");
  });

  it("treats a replayed, already-rotated refresh token as theft: the whole session ends", async () => {
    const signed = await registerSignedIn("replay");
    const { username } = signed;
    const first = await refresh(signed.refresh);
    const second = await refresh(first.refresh!);
    expect(second.response.status).toBe(200);

    const replay = await refresh(signed.refresh);
    expect(replay.response.status).toBe(401);
    expect(replay.body.error).toBe("token_revoked");
    expect(setCookieCleared(replay.response)).toBe(true);

    // Every token of that session is dead now: the newest refresh token and every access token.
    expect((await refresh(second.refresh!)).body.error).toBe("token_revoked");
    const newestAccess = `${second.access!.name}=${second.access!.value}`;
    expect((await (await call("/api/auth/me", { cookie: newestAccess })).json()).error).toBe("token_revoked");

    const admin = await signIn("hop", "123hop");
    const { data } = await (await call("/api/admin/events?type=refresh_reuse", { cookie: admin })).json();
    expect(data.events.some((event: { username: string }) => event.username === username)).toBe(true);
  });

  it("lets two tabs refresh with the same token at the same moment without signing the user out", async () => {
    const signed = await registerSignedIn("race");
    const results = await Promise.all([refresh(signed.refresh), refresh(signed.refresh)]);
    expect(results.map((result) => result.response.status)).toEqual([200, 200]);
    // Exactly one rotated; the other got an access token only, leaving the winner's refresh cookie in the jar.
    const winners = results.filter((result) => result.refresh);
    expect(winners).toHaveLength(1);
    const after = await refresh(winners[0]!.refresh!);
    expect(after.response.status).toBe(200);
    for (const result of results) {
      expect((await call("/api/auth/me", { cookie: `${result.access!.name}=${result.access!.value}` })).status).toBe(200);
    }
  });

  it("refuses a refresh token whose session was signed out", async () => {
    const signed = await signInFully("lex", "123qwerty");
    expect((await call("/api/auth/logout", { method: "POST", cookie: signed.access })).status).toBe(204);
    expect((await refresh(signed.refresh)).body.error).toBe("token_revoked");
  });

  it("signs out by the refresh token once the access token has expired", async () => {
    const signed = await signInFully("lex", "123qwerty");
    expect((await call("/api/auth/logout", { method: "POST", cookie: signed.refresh })).status).toBe(204);
    expect((await (await call("/api/auth/me", { cookie: signed.access })).json()).error).toBe("token_revoked");
  });
});

function setCookieCleared(response: Response): boolean {
  const cleared = refreshCookie(response);
  return cleared?.value === "" && cleared.attributes["max-age"] === "0" && cleared.attributes.path === "/api/auth";
}

describe("GET /api/auth/refresh (the browser's way back)", () => {
  it("refreshes and returns to next", async () => {
    const signed = await signInFully("toby", "123toby");
    const response = await call("/api/auth/refresh?next=%2Fdashboard", { cookie: signed.refresh });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/dashboard");
    expect(sessionCookie(response)?.value).toMatch(/^ey/);
  });

  it("sends a visitor without a refresh token to sign in, keeping next", async () => {
    const response = await call("/api/auth/refresh?next=%2Fdashboard");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login?next=%2Fdashboard");
  });

  it("never leaves the site through next", async () => {
    const response = await call("/api/auth/refresh?next=%2F%2Fevil.example%2F");
    expect(response.headers.get("location")).toBe("/login?next=%2F");
  });
});

describe("transparent refresh of pages", () => {
  it("sends a page request with an expired access token by way of the refresh route, not the login page", async () => {
    const signed = await signInFully("toby", "123toby");
    const claims = decodeClaims(signed.token);
    const now = Math.floor(Date.now() / 1000);
    const expired = await forgeToken({ ...claims, iat: now - 1000, exp: now - 60 });
    const page = await call("/dashboard", { cookie: `${SESSION_COOKIE}=${expired}` });
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toBe("/api/auth/refresh?next=%2Fdashboard");
    const back = await call(page.headers.get("location")!, { cookie: signed.refresh });
    expect(back.headers.get("location")).toBe("/dashboard");
    const fresh = sessionCookie(back)!;
    expect((await call("/dashboard", { cookie: `${fresh.name}=${fresh.value}` })).status).toBe(200);
  });

  it("answers an API client with token_expired, so it can call the refresh route itself", async () => {
    const signed = await signInFully("toby", "123toby");
    const now = Math.floor(Date.now() / 1000);
    const expired = await forgeToken({ ...decodeClaims(signed.token), iat: now - 1000, exp: now - 60 });
    const response = await call("/api/auth/me", { cookie: `${SESSION_COOKIE}=${expired}` });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toBe("token_expired");
  });
});
