import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieHeader, sessionCookie } from "@/tools/cookies";
import { call, signIn, uniqueName } from "@/tools/http-client";
import { BREACHED_PASSWORDS } from "@/tools/pwned-standin";

let adminCookie: string;
const created: string[] = [];

beforeAll(async () => {
  adminCookie = await signIn("hop", "123hop");
});

afterAll(async () => {
  for (const id of created) await call(`/api/users/${id}`, { method: "DELETE", cookie: adminCookie });
});

function strongPassword(): string {
  return `${randomBytes(15).toString("base64url")}-Tz9`;
}

function register(password: string): Promise<Response> {
  return call("/api/auth/register", { json: { username: uniqueName("policy"), password, name: "Policy Test" } });
}

describe("the password policy", () => {
  it("refuses a common password at registration", async () => {
    const response = await register("password123");
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toBe("validation_error");
    expect(body.fields.password).toMatch(/too common/);
  });

  it("refuses a breached password at registration (Have I Been Pwned)", async () => {
    const response = await register(BREACHED_PASSWORDS[0]);
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error).toBe("validation_error");
    expect(body.fields.password).toMatch(/data breach/);
  });

  it("accepts a strong random password, and refuses a change to a common one", async () => {
    const password = strongPassword();
    const response = await register(password);
    expect(response.status).toBe(201);
    const id: string = (await response.json()).data.user.id;
    created.push(id);
    const session = sessionCookie(response);
    expect(session).toBeDefined();

    const change = await call(`/api/users/${id}`, {
      method: "PATCH",
      cookie: cookieHeader(session!),
      json: { password: "iloveyou1", currentPassword: password },
    });
    expect(change.status).toBe(400);
    const body = await change.json();
    expect(body.error).toBe("validation_error");
    expect(body.fields.password).toMatch(/too common/);
  });

  it("refuses a common password when an ADMIN creates a user", async () => {
    const response = await call("/api/users", { cookie: adminCookie, json: { username: uniqueName("policy"), name: "Policy Test", password: "qwertyuiop" } });
    expect(response.status).toBe(400);
    expect((await response.json()).fields.password).toMatch(/too common/);
  });
});
