import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { base64url, SignJWT, UnsecuredJWT } from "jose";
import { parseConfig } from "@/lib/config";
import { buildKeySet, type KeySet } from "@/lib/edge/keys";
import { signAccessToken, TokenError, verificationKeyFor, verifyAccessToken, type TokenSettings } from "@/lib/edge/tokens";
import { generateKeyEnv } from "@/scripts/keys";
import { codeOf } from "../support/outcome";

const SECRET = "x".repeat(24) + "-a-test-secret-of-48-bytes-xxxx";
const settings: TokenSettings = { issuer: "tessera", audience: "tessera", ttlSeconds: 900 };
const subject = { userId: "7f1e0c43-8a55-4f6f-9a39-0b4c1ea5d2a1", username: "toby", role: "USER" as const, sessionId: "0b9d3c5e-2f41-4e8a-9c1d-5a6b7c8d9e0f", amr: ["pwd" as const], authTime: new Date() };

async function keys(secret = SECRET): Promise<KeySet> {
  return buildKeySet({ alg: "HS256", secret, issuer: "tessera", audience: "tessera", accessTokenTtl: 900 });
}

describe("access tokens", () => {
  it("issues a token that verifies, with every claim the spec lists", async () => {
    const set = await keys();
    const { token, claims } = await signAccessToken(subject, set, settings);
    const verified = await verifyAccessToken(token, set, settings);
    expect(verified).toEqual(claims);
    expect(Object.keys(verified).sort()).toEqual(["amr", "aud", "auth_time", "exp", "iat", "iss", "jti", "role", "sid", "sub", "username"]);
    expect(verified.exp - verified.iat).toBe(900);
  });

  it("names the session's organization with org, org_slug and org_role, and leaves all three out without one", async () => {
    const set = await keys();
    const org = { id: "5d3c1b2a-4e6f-4a8b-9c0d-1e2f3a4b5c6d", slug: "menlo-park", role: "OWNER" as const };
    const verified = await verifyAccessToken((await signAccessToken({ ...subject, org }, set, settings)).token, set, settings);
    expect(verified).toMatchObject({ org: org.id, org_slug: "menlo-park", org_role: "OWNER" });
    const without = await verifyAccessToken((await signAccessToken({ ...subject, org: null }, set, settings)).token, set, settings);
    expect(Object.keys(without)).not.toContain("org");
  });

  it("puts alg, typ at+jwt and the RFC 7638 kid in the header, and no secret in the payload", async () => {
    const set = await keys();
    const { token } = await signAccessToken(subject, set, settings);
    const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(new TextDecoder().decode(base64url.decode(part!))));
    expect(header).toEqual({ alg: "HS256", typ: "at+jwt", kid: set.current.kid });
    expect(set.current.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(payload)).not.toMatch(/password|hash|dob/i);
  });

  it("gives every token its own jti", async () => {
    const set = await keys();
    const a = await signAccessToken(subject, set, settings);
    const b = await signAccessToken(subject, set, settings);
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it("rejects an expired token as token_expired", async () => {
    const set = await keys();
    const { token } = await signAccessToken(subject, set, settings, new Date(Date.now() - 901_000 - 6_000));
    expect(await codeOf(verifyAccessToken(token, set, settings))).toBe("token_expired");
  });

  it("allows at most 5 seconds of clock skew", async () => {
    const set = await keys();
    const { token } = await signAccessToken(subject, set, { ...settings, ttlSeconds: 60 });
    expect(await codeOf(verifyAccessToken(token, set, settings, new Date(Date.now() + 63_000)))).toBe("accepted");
    expect(await codeOf(verifyAccessToken(token, set, settings, new Date(Date.now() + 67_000)))).toBe("token_expired");
  });

  it("rejects a token issued in the future", async () => {
    const set = await keys();
    const { token } = await signAccessToken(subject, set, settings, new Date(Date.now() + 60_000));
    expect(await codeOf(verifyAccessToken(token, set, settings))).toBe("invalid_token");
  });

  it("rejects a tampered payload (role escalation)", async () => {
    const set = await keys();
    const { token } = await signAccessToken(subject, set, settings);
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
    const forged = base64url.encode(JSON.stringify({ ...claims, role: "ADMIN" }));
    expect(await codeOf(verifyAccessToken(`${header}.${forged}.${signature}`, set, settings))).toBe("invalid_token");
  });

  it("rejects a token signed with another secret", async () => {
    const { token } = await signAccessToken(subject, await keys("another-secret-that-is-long-enough-000000"), settings);
    expect(await codeOf(verifyAccessToken(token, await keys(), settings))).toBe("invalid_token");
  });

  it("rejects alg none", async () => {
    const set = await keys();
    const token = new UnsecuredJWT({ username: "toby", role: "ADMIN", sid: "0b9d3c5e-2f41-4e8a-9c1d-5a6b7c8d9e0f" })
      .setIssuer("tessera").setAudience("tessera").setSubject(subject.userId).setIssuedAt().setExpirationTime("5m").setJti("j")
      .encode();
    expect(await codeOf(verifyAccessToken(token, set, settings))).toBe("invalid_token");
  });

  it("rejects another algorithm with the same secret and kid (HS512)", async () => {
    const set = await keys();
    const token = await new SignJWT({ username: "toby", role: "ADMIN", sid: "0b9d3c5e-2f41-4e8a-9c1d-5a6b7c8d9e0f" })
      .setProtectedHeader({ alg: "HS512", typ: "at+jwt", kid: set.current.kid })
      .setIssuer("tessera").setAudience("tessera").setSubject(subject.userId).setIssuedAt().setExpirationTime("5m").setJti("j")
      .sign(new TextEncoder().encode(SECRET));
    expect(await codeOf(verifyAccessToken(token, set, settings))).toBe("invalid_token");
  });

  /** Signs any header and payload with our secret by hand, so jose's own checks cannot stop a case before ours. */
  async function forge(header: Record<string, unknown>, claims: Record<string, unknown> = {}) {
    const set = await keys();
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => base64url.encode(JSON.stringify(value));
    const signingInput = [
      part({ alg: "HS256", typ: "at+jwt", kid: set.current.kid, ...header }),
      part({ iss: "tessera", aud: "tessera", sub: subject.userId, username: "toby", role: "USER", sid: "0b9d3c5e-2f41-4e8a-9c1d-5a6b7c8d9e0f", amr: ["pwd"], auth_time: now, jti: "j", iat: now, exp: now + 300, ...claims }),
    ].join(".");
    const signature = base64url.encode(createHmac("sha256", SECRET).update(signingInput).digest());
    return codeOf(verifyAccessToken(`${signingInput}.${signature}`, set, settings));
  }

  it("accepts a correctly forged-by-us control token (so the cases below fail for their own reason)", async () => {
    expect(await forge({})).toBe("accepted");
    expect(await forge({}, { org: "5d3c1b2a-4e6f-4a8b-9c0d-1e2f3a4b5c6d", org_slug: "menlo-park", org_role: "MEMBER" })).toBe("accepted");
  });

  it.each([
    ["a wrong issuer", {}, { iss: "someone-else" }],
    ["a wrong typ", { typ: "JWT" }, {}],
    ["an unknown kid", { kid: "not-our-key" }, {}],
    ["a kid path injection", { kid: "../../../../dev/null" }, {}],
    ["a jwk header", { jwk: { kty: "oct", k: "AAAA" } }, {}],
    ["a jku header", { jku: "https://attacker.invalid/jwks.json" }, {}],
    ["an x5u header", { x5u: "https://attacker.invalid/cert.pem" }, {}],
    ["an unknown crit extension", { crit: ["exp-tessera"], "exp-tessera": true }, {}],
    ["a role outside USER/ADMIN", {}, { role: "ROOT" }],
    ["a sid that is not a UUID", {}, { sid: "x" }],
    ["a sid carrying SQL", {}, { sid: "' OR 1=1 --" }],
    ["a sub that is not a UUID", {}, { sub: "1" }],
    ["a username outside the username rule", {}, { username: "<script>" }],
    ["a numeric sid", {}, { sid: 1 }],
    ["an amr value outside RFC 8176's list", {}, { amr: ["pwd", "magic"] }],
    ["an empty amr", {}, { amr: [] }],
    ["an auth_time that is not a number", {}, { auth_time: "yesterday" }],
    ["an org that is not a UUID", {}, { org: "menlo-park", org_slug: "menlo-park", org_role: "OWNER" }],
    ["an org_role outside OWNER/ADMIN/MEMBER", {}, { org: "5d3c1b2a-4e6f-4a8b-9c0d-1e2f3a4b5c6d", org_slug: "menlo-park", org_role: "ROOT" }],
    ["an org_slug outside the slug rule", {}, { org: "5d3c1b2a-4e6f-4a8b-9c0d-1e2f3a4b5c6d", org_slug: "<b>x</b>", org_role: "MEMBER" }],
    ["an org_role without its org", {}, { org_role: "OWNER" }],
    ["an org without its role", {}, { org: "5d3c1b2a-4e6f-4a8b-9c0d-1e2f3a4b5c6d", org_slug: "menlo-park" }],
  ])("rejects a token with %s", async (_case, header, claims) => {
    expect(await forge(header, claims)).toBe("invalid_token");
  });

  it("rejects a wrong audience", async () => {
    const set = await keys();
    const { token } = await signAccessToken(subject, set, { ...settings, audience: "other-app" });
    expect(await codeOf(verifyAccessToken(token, set, settings))).toBe("invalid_token");
  });

  it("rejects a stripped signature and garbage", async () => {
    const set = await keys();
    const { token } = await signAccessToken(subject, set, settings);
    const stripped = token.slice(0, token.lastIndexOf(".") + 1);
    expect(await codeOf(verifyAccessToken(stripped, set, settings))).toBe("invalid_token");
    expect(await codeOf(verifyAccessToken("not.a.token", set, settings))).toBe("invalid_token");
    expect(await codeOf(verifyAccessToken("", set, settings))).toBe("invalid_token");
  });

  it("rejects a token over 4 KiB before any cryptography", async () => {
    expect(await forge({}, { padding: "x".repeat(5000) })).toBe("invalid_token");
  });
});

/**
 * Our own algorithm pin, apart from jose's: the imported CryptoKeys also pin
 * their algorithm, so without these cases dropping our check (and widening
 * jose's `algorithms`) would go unnoticed.
 */
describe("the algorithm check of our own key selection", () => {
  function refusal(run: () => unknown): string {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(TokenError);
      return (error as TokenError).message;
    }
    return "accepted";
  }

  it("takes the kid's key only with the algorithm that key was configured with", async () => {
    const set = await keys();
    const kid = set.current.kid;
    expect(verificationKeyFor({ alg: "HS256", kid }, set)).toBe(set.byKid.get(kid));
    for (const alg of ["HS384", "HS512", "RS256", "ES256", "none"]) {
      expect(refusal(() => verificationKeyFor({ alg, kid }, set)), alg).toBe("algorithm does not match the key");
    }
  });

  it("refuses HS256 on an asymmetric key's kid (the public key as an HMAC secret)", async () => {
    const set = await buildKeySet(parseConfig(await generateKeyEnv("ES256")).jwt);
    expect(refusal(() => verificationKeyFor({ alg: "HS256", kid: set.current.kid }, set))).toBe("algorithm does not match the key");
  });

  it("refuses another HMAC algorithm even with a key that does not pin one (raw secret bytes)", async () => {
    const { kid } = (await keys()).current;
    // jose's importJWK returns raw bytes for an oct key: those verify HS256, HS384 and HS512 alike.
    const raw = new TextEncoder().encode(SECRET) as unknown as CryptoKey;
    const set: KeySet = { current: { kid, alg: "HS256", key: raw }, byKid: new Map([[kid, { kid, alg: "HS256", key: raw }]]) };
    expect(await codeOf(verifyAccessToken((await signAccessToken(subject, set, settings)).token, set, settings))).toBe("accepted");
    const hs512 = await new SignJWT({ username: "toby", role: "ADMIN", sid: "0b9d3c5e-2f41-4e8a-9c1d-5a6b7c8d9e0f" })
      .setProtectedHeader({ alg: "HS512", typ: "at+jwt", kid })
      .setIssuer("tessera").setAudience("tessera").setSubject(subject.userId).setIssuedAt().setExpirationTime("5m").setJti("j")
      .sign(new TextEncoder().encode(SECRET));
    expect(await codeOf(verifyAccessToken(hs512, set, settings))).toBe("invalid_token");
  });
});
