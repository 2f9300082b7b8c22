/**
 * Property-based fuzzing of every route: random and hostile bodies, headers and
 * cookies. Whatever comes in, the answer is never a 5xx, and an API error is
 * always the spec's envelope.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call } from "@/tools/http-client";
import { SESSION_COOKIE, REFRESH_COOKIE } from "@/tools/cookies";

const ROUTES: [string, string][] = [
  ["POST", "/api/auth/register"],
  ["POST", "/api/auth/login"],
  ["POST", "/api/auth/logout"],
  ["POST", "/api/auth/refresh"],
  ["GET", "/api/auth/refresh?next=%2Fdashboard"],
  ["GET", "/api/auth/me"],
  ["POST", "/api/auth/token"],
  ["GET", "/api/auth/sessions"],
  ["DELETE", "/api/auth/sessions/00000000-0000-4000-8000-000000000000"],
  ["GET", "/api/users?limit=5"],
  ["POST", "/api/users"],
  ["PATCH", "/api/users/00000000-0000-4000-8000-000000000000"],
  ["POST", "/api/users/authenticate"],
  ["GET", "/api/posts"],
  ["POST", "/api/posts"],
  ["GET", "/api/admin/events"],
  ["POST", "/api/orgs"],
  ["PATCH", "/api/orgs/00000000-0000-4000-8000-000000000000/members/00000000-0000-4000-8000-000000000000"],
  ["POST", "/api/invitations/accept"],
  ["PUT", "/api/auth/org"],
  ["GET", "/api/health"],
  ["GET", "/.well-known/jwks.json"],
];

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("", "null", "{", "[]", "\u0000", "%00", "../../etc/passwd", "' OR 1=1 --", "<script>alert(1)</script>", "ｔｏｂｙ", "toby\u0000", "🙂".repeat(40)),
);

const jsonValue = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      username: fc.oneof(hostileString, fc.integer(), fc.constant(null), fc.array(fc.string())),
      uid: hostileString,
      password: fc.oneof(hostileString, fc.integer(), fc.constant(null)),
      name: hostileString,
      dob: fc.oneof(hostileString, fc.date().map((date) => (Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 10)))),
      note: hostileString,
      image: hostileString,
      role: fc.constantFrom("ADMIN", "USER", "ROOT", ""),
      __proto__: fc.constant({ role: "ADMIN" }),
    },
    { requiredKeys: [] },
  ),
);

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "text/plain",
  "application/xml",
  "",
);

const body = fc.oneof(jsonValue.map((value) => JSON.stringify(value)), hostileString);
const token = fc.oneof(hostileString, fc.constantFrom("eyJhbGciOiJub25lIn0.e30.", "a.b.c", "x".repeat(5000)));

describe("fuzzing every route", () => {
  it.each(ROUTES)("%s %s never answers 5xx, and its errors keep the envelope", async (method, path) => {
    await fc.assert(
      fc.asyncProperty(body, contentType, token, token, fc.boolean(), async (payload, type, access, refresh, bearer) => {
        const headers: Record<string, string> = {};
        if (type) headers["content-type"] = type;
        const safe = (value: string) => value.replace(/[^\x21-\x7e]/g, "");
        if (bearer) headers.authorization = `Bearer ${safe(access)}`;
        const cookie = `${SESSION_COOKIE}=${encodeURIComponent(access)}; ${REFRESH_COOKIE}=${encodeURIComponent(refresh)}`;
        const response = await call(path, { method, cookie, headers, ...(method === "GET" ? {} : { body: payload }) });
        expect(response.status, `${method} ${path} with ${JSON.stringify(payload).slice(0, 200)}`).toBeLessThan(500);
        if (response.status >= 400 && path.startsWith("/api/")) {
          const envelope = await response.json();
          expect(envelope).toMatchObject({ message: expect.any(String), error: expect.any(String), data: null });
          expect(JSON.stringify(envelope)).not.toMatch(/at .*\.js:\d+|Prisma|stack/i);
        }
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});
