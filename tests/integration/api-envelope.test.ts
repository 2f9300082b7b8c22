/**
 * Everything under /api answers in the JSON error envelope, also where Next.js
 * would answer on its own: a path no route handles (its HTML 404 page) and a
 * method a route does not handle (a bare 405).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { call, signInFully } from "@/tools/http-client";

const ID = "00000000-0000-4000-8000-000000000000";
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** Every API route and the methods it handles. */
const ROUTES: [string, string[]][] = [
  ["/api/auth/register", ["POST"]],
  ["/api/auth/login", ["POST"]],
  ["/api/auth/logout", ["POST"]],
  ["/api/auth/refresh", ["GET", "POST"]],
  ["/api/auth/me", ["GET"]],
  ["/api/auth/token", ["POST"]],
  ["/api/auth/sessions", ["GET", "DELETE"]],
  [`/api/auth/sessions/${ID}`, ["DELETE"]],
  ["/api/users", ["GET", "POST"]],
  ["/api/users/authenticate", ["POST"]],
  [`/api/users/${ID}`, ["GET", "PATCH", "DELETE"]],
  [`/api/users/${ID}/sessions`, ["DELETE"]],
  ["/api/posts", ["GET", "POST"]],
  [`/api/posts/${ID}`, ["GET"]],
  ["/api/orgs", ["GET", "POST"]],
  [`/api/orgs/${ID}`, ["GET", "PATCH", "DELETE"]],
  [`/api/orgs/${ID}/members`, ["GET"]],
  [`/api/orgs/${ID}/members/${ID}`, ["PATCH", "DELETE"]],
  [`/api/orgs/${ID}/invitations`, ["GET", "POST"]],
  [`/api/orgs/${ID}/invitations/${ID}`, ["DELETE"]],
  ["/api/invitations/accept", ["POST"]],
  ["/api/auth/org", ["PUT"]],
  ["/api/admin/events", ["GET"]],
  ["/api/health", ["GET"]],
];

let admin: string;
beforeAll(async () => {
  admin = (await signInFully("hop", "123hop")).access;
});

async function expectEnvelope(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(await response.json()).toMatchObject({ error, data: null, message: expect.any(String) });
}

describe("a path no route handles", () => {
  it.each([
    ["GET", "/api/nope"],
    ["POST", "/api/auth/nope"],
    ["DELETE", "/api/nope/deeper/still"],
    ["PATCH", "/api/auth/login/extra"],
  ])("%s %s answers 404 not_found in the envelope", async (method, path) => {
    await expectEnvelope(await call(path, { method, cookie: admin }), 404, "not_found");
  });
});

describe("a method a route does not handle", () => {
  const cases = ROUTES.flatMap(([path, allowed]) => METHODS.filter((method) => !allowed.includes(method)).map((method) => [method, path, allowed] as const));

  it.each(cases)("%s %s answers 405 method_not_allowed with Allow", async (method, path, allowed) => {
    const response = await call(path, { method, cookie: admin });
    const allow = response.headers.get("allow");
    await expectEnvelope(response, 405, "method_not_allowed");
    expect(allow?.split(", ").filter((name) => METHODS.includes(name)).sort()).toEqual([...allowed].sort());
  });
});
