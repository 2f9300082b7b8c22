import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { CookieConflictError, cookieName, cookieOptions, isHttpsRequest, readAccessToken, readSessionCookies } from "@/lib/edge/cookies";
import { errorBody } from "@/lib/errors";
import { formatTimeLeft } from "@/lib/auth/describe";
import { formatDateTime } from "@/lib/format";

const base = { JWT_SECRET: "s".repeat(40) };

describe("session cookie", () => {
  it("is httpOnly, SameSite=Lax, Path=/, host-only, and lives as long as the token", () => {
    const options = cookieOptions("access", parseConfig(base), false, 900);
    expect(options).toEqual({ httpOnly: true, sameSite: "lax", secure: false, path: "/", maxAge: 900 });
  });

  it("is Secure in production and over https, and then uses the __Host- name", () => {
    expect(cookieOptions("access", parseConfig({ ...base, NODE_ENV: "production" }), false, 1).secure).toBe(true);
    expect(cookieOptions("access", parseConfig(base), true, 1).secure).toBe(true);
    expect(cookieName("access", true)).toBe("__Host-tessera_session");
    expect(cookieName("access", false)).toBe("tessera_session");
  });

  it("keeps the refresh cookie to the auth routes, SameSite=Strict, with the __Secure- prefix when Secure", () => {
    const options = cookieOptions("refresh", parseConfig({ ...base, COOKIE_SAMESITE: "Lax", NODE_ENV: "production" }), false, 60);
    expect(options).toEqual({ httpOnly: true, sameSite: "strict", secure: true, path: "/api/auth", maxAge: 60 });
    expect(cookieName("refresh", true)).toBe("__Secure-tessera_refresh");
  });

  it("knows https from the X-Forwarded-Proto that Next.js sets from the socket", () => {
    expect(isHttpsRequest(new Headers({ "x-forwarded-proto": "https" }))).toBe(true);
    expect(isHttpsRequest(new Headers({ "x-forwarded-proto": "http" }))).toBe(false);
    expect(isHttpsRequest(new Headers())).toBe(false);
  });

  it("forces Secure with SameSite=None, and partitions the cookie by the embedding site", () => {
    expect(cookieOptions("access", parseConfig({ ...base, COOKIE_SAMESITE: "None" }), false, 1)).toMatchObject({ sameSite: "none", secure: true, partitioned: true });
  });

  it("ignores a plain-named cookie in production, where only __Host- can be trusted", () => {
    const headers = new Headers({ cookie: "tessera_session=planted" });
    expect(readAccessToken(headers, true)).toBeUndefined();
    expect(readAccessToken(headers, false)).toBe("planted");
  });

  it("prefers a Bearer header and treats a malformed one as an invalid token, not a missing one", () => {
    const cookie = "__Host-tessera_session=cookie";
    expect(readAccessToken(new Headers({ authorization: "Bearer abc.def.ghi", cookie }), true)).toBe("abc.def.ghi");
    expect(readAccessToken(new Headers({ authorization: "Basic Zm9v", cookie }), true)).toBe("");
    expect(readAccessToken(new Headers({ cookie }), true)).toBe("cookie");
  });

  it("uses neither cookie when the session or refresh cookie name is sent twice (cookie tossing)", () => {
    const refreshTwice = "__Host-tessera_session=a; __Secure-tessera_refresh=mine; __Secure-tessera_refresh=planted";
    expect(readSessionCookies(refreshTwice, true)).toEqual({ conflict: true });
    expect(readSessionCookies("__Host-tessera_session=a; __Host-tessera_session=b", true)).toEqual({ conflict: true });
    expect(() => readAccessToken(new Headers({ cookie: refreshTwice }), true)).toThrow(CookieConflictError);
    expect(readSessionCookies("__Host-tessera_session=a; __Secure-tessera_refresh=r; other=1; other=2", true)).toEqual({
      access: "a",
      refresh: "r",
      conflict: false,
    });
  });
});

describe("refresh cookie for a cross-site front end", () => {
  it("is SameSite=None; Secure when COOKIE_SAMESITE=None, so the front end can refresh", () => {
    const options = cookieOptions("refresh", parseConfig({ ...base, COOKIE_SAMESITE: "None" }), false, 60);
    expect(options).toMatchObject({ sameSite: "none", secure: true, path: "/api/auth", partitioned: true });
  });

  it("stays SameSite=Strict under Lax and Strict", () => {
    for (const sameSite of ["Lax", "Strict"]) {
      expect(cookieOptions("refresh", parseConfig({ ...base, COOKIE_SAMESITE: sameSite }), false, 60).sameSite).toBe("strict");
    }
  });
});

describe("error envelope", () => {
  it("has message, error and data: null, and fields only for validation errors", () => {
    expect(errorBody("token_missing")).toEqual({ message: "Token is missing.", error: "token_missing", data: null });
    expect(errorBody("validation_error", "bad", { username: "x" })).toEqual({ message: "bad", error: "validation_error", data: null, fields: { username: "x" } });
  });
});

describe("a moment on the pages", () => {
  it("is written the same from an ISO string as from a Date, with or without milliseconds", () => {
    for (const instant of ["2026-11-25T14:05:12.345Z", "1999-12-31T23:59:59.999Z", "2026-02-28T00:00:00.000Z"]) {
      expect(formatDateTime(instant)).toBe(formatDateTime(new Date(instant)));
    }
    expect(formatDateTime("2026-11-25T14:05:12.345Z")).toBe("2026-11-25 14:05:12 UTC");
    expect(formatDateTime("2026-11-25T14:05:12Z")).toBe("2026-11-25 14:05:12 UTC");
    expect(formatDateTime("2026-11-25T15:05:12+01:00")).toBe("2026-11-25 14:05:12 UTC");
  });
});

describe("time left", () => {
  it("reads like a person would say it", () => {
    expect(formatTimeLeft(899)).toBe("14 min 59 s");
    expect(formatTimeLeft(3600)).toBe("1 h");
    expect(formatTimeLeft(0)).toBe("expired");
  });
});
