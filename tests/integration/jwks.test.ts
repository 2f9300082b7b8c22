import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { call } from "@/tools/http-client";

describe("GET /.well-known/jwks.json", () => {
  it("publishes exactly the public keys another service needs to verify our tokens, and nothing secret", async () => {
    const issued = await call("/api/auth/token", { json: { username: "niko", password: "123niko" } });
    const { token } = (await issued.json()).data;
    const header = decodeProtectedHeader(token);
    const response = await call("/.well-known/jwks.json");
    expect(response.status).toBe(200);
    const jwks = await response.json();
    for (const key of jwks.keys) {
      expect(Object.keys(key).filter((member) => ["d", "p", "q", "dp", "dq", "qi", "k"].includes(member))).toEqual([]);
    }
    if (header.alg === "HS256") {
      // A shared secret is never published.
      expect(jwks.keys).toEqual([]);
      return;
    }
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: "tessera", audience: "tessera", typ: "at+jwt" });
    expect(payload.username).toBe("niko");
  });
});
