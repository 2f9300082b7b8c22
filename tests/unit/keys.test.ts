import { createHash, createHmac, createPublicKey, generateKeyPairSync } from "node:crypto";
import { parseEnv } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { base64url, decodeProtectedHeader, exportJWK, importPKCS8, type JWK } from "jose";
import { ConfigError, parseConfig } from "@/lib/config";
import { PRIVATE_JWK_MEMBERS, type JwtAlgorithm } from "@/lib/key-format";
import { buildKeySet, publicJwks, type KeySet } from "@/lib/edge/keys";
import { protectionOf } from "@/lib/edge/paths";
import { signAccessToken, verifyAccessToken, type TokenSettings } from "@/lib/edge/tokens";
import { currentKeyLines, generateKeyEnv, generateKeyLines, pemEnvValue } from "@/scripts/keys";
import { codeOf } from "../support/outcome";

const ALGORITHMS: JwtAlgorithm[] = ["HS256", "RS256", "ES256", "EdDSA"];
const ASYMMETRIC: JwtAlgorithm[] = ["RS256", "ES256", "EdDSA"];
const settings: TokenSettings = { issuer: "tessera", audience: "tessera", ttlSeconds: 900 };
const subject = { userId: "7f1e0c43-8a55-4f6f-9a39-0b4c1ea5d2a1", username: "toby", role: "USER" as const, sessionId: "0b9d3c5e-2f41-4e8a-9c1d-5a6b7c8d9e0f", amr: ["pwd" as const], authTime: new Date() };

type Env = Record<string, string | undefined>;

/** Fresh keys are slow to make (RSA especially); one per algorithm is enough for most cases. */
const generated = new Map<JwtAlgorithm, Promise<Env>>();
function envFor(alg: JwtAlgorithm): Promise<Env> {
  if (!generated.has(alg)) generated.set(alg, generateKeyEnv(alg));
  return generated.get(alg)!;
}

async function keySetOf(env: Env): Promise<KeySet> {
  return buildKeySet(parseConfig(env).jwt);
}

async function tokenFrom(set: KeySet): Promise<string> {
  return (await signAccessToken(subject, set, settings)).token;
}

function configProblem(env: Env): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

/** RFC 7638 computed by hand (not by jose): SHA-256 of the required members in lexicographic order. */
function rfc7638(jwk: JWK): string {
  const required: Record<string, string[]> = { oct: ["k", "kty"], RSA: ["e", "kty", "n"], EC: ["crv", "kty", "x", "y"], OKP: ["crv", "kty", "x"] };
  const members = required[jwk.kty!]!.map((name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name as keyof JWK])}`);
  return base64url.encode(createHash("sha256").update(`{${members.join(",")}}`).digest());
}

async function publicJwkOf(env: Env): Promise<JWK> {
  const pem = env.JWT_PRIVATE_KEY!;
  return exportJWK(await importPKCS8(pem, env.JWT_ALG!, { extractable: true }));
}

/** RFC 7638 §3.1's example key; its thumbprint is NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs. */
const RFC7638_EXAMPLE = {
  kty: "RSA",
  n:
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn" +
    "64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91C" +
    "bOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
  e: "AQAB",
};

/** A token with any header, HMAC-signed by hand with `secret`, so jose's own checks cannot stop a case before ours. */
function forgeHs256(header: Record<string, unknown>, secret: Uint8Array | string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  const signingInput = [
    part({ alg: "HS256", typ: "at+jwt", ...header }),
    part({ iss: "tessera", aud: "tessera", sub: subject.userId, username: "toby", role: "ADMIN", sid: "0b9d3c5e-2f41-4e8a-9c1d-5a6b7c8d9e0f", amr: ["pwd"], auth_time: now, jti: "j", iat: now, exp: now + 300 }),
  ].join(".");
  return `${signingInput}.${base64url.encode(createHmac("sha256", secret).update(signingInput).digest())}`;
}

describe("signing algorithms", () => {
  it.each(ALGORITHMS)("signs and verifies an access token with %s", async (alg) => {
    const set = await keySetOf(await envFor(alg));
    const token = await tokenFrom(set);
    expect(decodeProtectedHeader(token)).toEqual({ alg, typ: "at+jwt", kid: set.current.kid });
    expect(await codeOf(verifyAccessToken(token, set, settings))).toBe("accepted");
  });

  it.each(ASYMMETRIC)("uses the RFC 7638 thumbprint of the public key as kid (%s)", async (alg) => {
    const env = await envFor(alg);
    const set = await keySetOf(env);
    expect(set.current.kid).toBe(rfc7638(await publicJwkOf(env)));
  });

  it("uses the RFC 7638 thumbprint of the oct JWK as kid (HS256)", async () => {
    const env = await envFor("HS256");
    const set = await keySetOf(env);
    expect(set.current.kid).toBe(rfc7638({ kty: "oct", k: base64url.encode(env.JWT_SECRET!) }));
  });

  it("matches RFC 7638's own example thumbprint", async () => {
    const set = await keySetOf({ JWT_SECRET: "s".repeat(40), JWT_PREVIOUS_KEYS: JSON.stringify([{ ...RFC7638_EXAMPLE, alg: "RS256" }]) });
    expect(set.byKid.has("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")).toBe(true);
  });

  it("refuses a previous key whose kid is not its thumbprint", async () => {
    const previous = JSON.stringify([{ ...RFC7638_EXAMPLE, alg: "RS256", kid: "2011-04-29" }]);
    await expect(keySetOf({ JWT_SECRET: "s".repeat(40), JWT_PREVIOUS_KEYS: previous })).rejects.toThrow(/JWT_PREVIOUS_KEYS\[0\] has kid "2011-04-29"/);
  });
});

describe("JWKS", () => {
  it.each(ASYMMETRIC)("publishes the %s public key with kid, alg and use, and no private member", async (alg) => {
    const env = await envFor(alg);
    const set = await keySetOf(env);
    const { keys } = publicJwks(set);
    expect(keys).toHaveLength(1);
    const exported = Object.entries(await publicJwkOf(env));
    const publicPart = Object.fromEntries(exported.filter(([name]) => !(PRIVATE_JWK_MEMBERS as readonly string[]).includes(name)));
    expect(keys[0]).toEqual({ ...publicPart, kid: set.current.kid, alg, use: "sig" });
    for (const member of PRIVATE_JWK_MEMBERS) expect(keys[0]).not.toHaveProperty(member);
  });

  it("is empty under HS256: an HMAC key is never published", async () => {
    expect(publicJwks(await keySetOf(await envFor("HS256")))).toEqual({ keys: [] });
  });

  it("publishes previous asymmetric keys but not a previous HMAC secret", async () => {
    const es = await envFor("ES256");
    const oldEd = JSON.parse((await generateKeyLines("EdDSA")).at(-1)!.slice(2)) as JWK;
    const oldSecret = { kty: "oct", k: base64url.encode("an-old-hmac-secret-of-at-least-32-bytes"), alg: "HS256" };
    const set = await keySetOf({ ...es, JWT_PREVIOUS_KEYS: JSON.stringify([oldEd, oldSecret]) });
    expect(publicJwks(set).keys.map((key) => key.kid).sort()).toEqual([set.current.kid, oldEd.kid].sort());
    expect(JSON.stringify(publicJwks(set))).not.toContain(oldSecret.k);
  });

  describe("GET /.well-known/jwks.json", () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.resetModules();
    });

    async function get(env: Env): Promise<Response> {
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
      vi.resetModules();
      const { GET } = await import("@/app/.well-known/jwks.json/route");
      return GET();
    }

    it("serves this server's public keys with a short public Cache-Control", async () => {
      const env = await envFor("ES256");
      const response = await get({ ...env, JWT_SECRET: "" });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d{1,3}$/);
      const body = (await response.json()) as { keys: JWK[] };
      expect(body.keys.map((key) => key.kid)).toEqual([(await keySetOf(env)).current.kid]);
    });

    it("is public: the middleware guards no spelling of it", () => {
      for (const path of ["/.well-known/jwks.json", "/.well-known/JWKS.json", "/.well-known/jwks.json/"]) expect(protectionOf(path)).toBeNull();
    });

    it("imports the keys once per process, not per request", async () => {
      await get(await envFor("ES256"));
      const { keySet } = await import("@/lib/edge/keys");
      expect(keySet()).toBe(keySet());
    });

    it("serves an empty key set under HS256", async () => {
      const response = await get({ JWT_ALG: "HS256", JWT_SECRET: "s".repeat(40), JWT_PRIVATE_KEY: "", JWT_PREVIOUS_KEYS: "" });
      expect(await response.json()).toEqual({ keys: [] });
    });
  });
});

describe("key rotation", () => {
  it.each(ALGORITHMS)("still verifies a token signed by the previous %s key, and signs new ones with the new key", async (alg) => {
    const oldLines = await generateKeyLines(alg);
    const oldEnv = parseEnv(oldLines.join("\n"));
    const oldToken = await tokenFrom(await keySetOf(oldEnv));
    const previousEntry = oldLines.at(-1)!.slice(2);

    const newEnv = { ...(await generateKeyEnv(alg)), JWT_PREVIOUS_KEYS: `[${previousEntry}]` };
    const rotated = await keySetOf(newEnv);
    expect(await codeOf(verifyAccessToken(oldToken, rotated, settings))).toBe("accepted");
    const newToken = await tokenFrom(rotated);
    expect(decodeProtectedHeader(newToken).kid).toBe(rotated.current.kid);
    expect(rotated.current.kid).not.toBe(decodeProtectedHeader(oldToken).kid);

    // Once the old key is removed (after ACCESS_TOKEN_TTL), its tokens stop verifying.
    const retired = await keySetOf({ ...newEnv, JWT_PREVIOUS_KEYS: "" });
    expect(await codeOf(verifyAccessToken(oldToken, retired, settings))).toBe("invalid_token");
  });

  it("moves from HS256 to ES256 while HS256 tokens are still live", async () => {
    const hs = await envFor("HS256");
    const hsToken = await tokenFrom(await keySetOf(hs));
    const [entry] = JSON.parse((await currentKeyLines(hs)).at(-1)!.replace(/^JWT_PREVIOUS_KEYS='(.*)'$/, "$1")) as JWK[];
    const set = await keySetOf({ ...(await envFor("ES256")), JWT_PREVIOUS_KEYS: JSON.stringify([entry]) });
    expect(await codeOf(verifyAccessToken(hsToken, set, settings))).toBe("accepted");
    expect(decodeProtectedHeader(await tokenFrom(set)).alg).toBe("ES256");
  });

  it("accepts a JWK Set pasted from /.well-known/jwks.json as JWT_PREVIOUS_KEYS", async () => {
    const old = await keySetOf(await envFor("RS256"));
    const oldToken = await tokenFrom(old);
    const set = await keySetOf({ ...(await generateKeyEnv("ES256")), JWT_PREVIOUS_KEYS: JSON.stringify(publicJwks(old)) });
    expect(await codeOf(verifyAccessToken(oldToken, set, settings))).toBe("accepted");
  });

  it("rejects a token whose kid is not in the key set", async () => {
    const set = await keySetOf(await envFor("ES256"));
    const stranger = await keySetOf(await generateKeyEnv("ES256"));
    expect(await codeOf(verifyAccessToken(await tokenFrom(stranger), set, settings))).toBe("invalid_token");
  });
});

describe("algorithm confusion", () => {
  it("accepts the hand-forged control token under its own HS256 secret (so the cases below fail for their own reason)", async () => {
    const env = await envFor("HS256");
    const set = await keySetOf(env);
    expect(await codeOf(verifyAccessToken(forgeHs256({ kid: set.current.kid }, env.JWT_SECRET!), set, settings))).toBe("accepted");
  });

  it.each([
    ["its PEM", async (env: Env) => createPublicKey(env.JWT_PRIVATE_KEY!).export({ type: "spki", format: "pem" }).toString()],
    ["its JWK JSON", async (env: Env) => JSON.stringify(publicJwks(await keySetOf(env)).keys[0])],
    ["its modulus bytes", async (env: Env) => base64url.decode(publicJwks(await keySetOf(env)).keys[0]!.n!)],
  ])("rejects an HS256 token signed with the RS256 public key (%s) as the HMAC secret", async (_form, secretOf) => {
    const env = await envFor("RS256");
    const set = await keySetOf(env);
    const secret = await secretOf(env);
    for (const header of [{ kid: set.current.kid }, {}]) {
      expect(await codeOf(verifyAccessToken(forgeHs256(header, secret), set, settings))).toBe("invalid_token");
    }
  });

  it("rejects an RS256 token presented to an ES256 key set", async () => {
    const token = await tokenFrom(await keySetOf(await envFor("RS256")));
    expect(await codeOf(verifyAccessToken(token, await keySetOf(await envFor("ES256")), settings))).toBe("invalid_token");
  });

  it("refuses an RS256 key configured under JWT_ALG=ES256", async () => {
    const { JWT_PRIVATE_KEY } = await envFor("RS256");
    expect(configProblem({ JWT_ALG: "ES256", JWT_PRIVATE_KEY })).toMatch(/JWT_PRIVATE_KEY is an RSA key but JWT_ALG is ES256.*set JWT_ALG=RS256/);
  });
});

describe("key settings", () => {
  it("does not require JWT_SECRET under an asymmetric algorithm, and drops it", async () => {
    const env = await envFor("EdDSA");
    expect(parseConfig(env).jwt.secret).toBeUndefined();
    expect(parseConfig({ ...env, JWT_SECRET: "short" }).jwt.secret).toBeUndefined();
  });

  it("reads a PEM with literal \\n escapes, real newlines or the quotes of an env file", async () => {
    const { JWT_PRIVATE_KEY: pem } = await envFor("ES256");
    const oneLine = pemEnvValue(pem!);
    const kids = await Promise.all(
      [pem, oneLine, oneLine.slice(1, -1), pem!.replace(/\n/g, "\r\n")].map(async (value) => (await keySetOf({ JWT_ALG: "ES256", JWT_PRIVATE_KEY: value })).current.kid),
    );
    expect(new Set(kids).size).toBe(1);
  });

  it.each([
    ["JWT_PRIVATE_KEY is missing", { JWT_ALG: "ES256" }, /JWT_PRIVATE_KEY is not set: JWT_ALG=ES256.*keys:generate -- --alg ES256/],
    ["JWT_PRIVATE_KEY is not PEM", { JWT_ALG: "RS256", JWT_PRIVATE_KEY: "not a key" }, /JWT_PRIVATE_KEY is not a PEM key.*PKCS#8/],
    ["the PEM body is damaged", { JWT_ALG: "ES256", JWT_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----" }, /JWT_PRIVATE_KEY is damaged/],
    ["the PEM is PKCS#1", { JWT_ALG: "RS256", JWT_PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----" }, /PKCS#1\/SEC1.*openssl pkcs8 -topk8/],
    ["the PEM is a public key", { JWT_ALG: "RS256", JWT_PRIVATE_KEY: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" }, /holds a public key, not a private key/],
    ["JWT_ALG is unknown", { JWT_ALG: "HS384", JWT_SECRET: "s".repeat(40) }, /JWT_ALG must be one of HS256, RS256, ES256, EdDSA/],
  ])("refuses to start when %s", (_case, env, message) => {
    expect(configProblem(env)).toMatch(message);
  });

  it("names every key problem without asking for JWT_SECRET under ES256", () => {
    const message = configProblem({ JWT_ALG: "ES256", JWT_PREVIOUS_KEYS: "[{}]" });
    expect(message).toMatch(/JWT_PRIVATE_KEY is not set/);
    expect(message).toMatch(/JWT_PREVIOUS_KEYS\[0\] needs "alg"/);
    expect(message).not.toMatch(/JWT_SECRET/);
  });

  it.each([
    ["an Ed25519 key under ES256", "EdDSA", "ES256", /an Ed25519 key but JWT_ALG is ES256.*set JWT_ALG=EdDSA/],
    ["an EC P-256 key under EdDSA", "ES256", "EdDSA", /an EC P-256 key but JWT_ALG is EdDSA.*set JWT_ALG=ES256/],
    ["an EC P-256 key under RS256", "ES256", "RS256", /an EC P-256 key but JWT_ALG is RS256/],
    ["a private key under HS256", "ES256", "HS256", /JWT_PRIVATE_KEY is set but JWT_ALG is HS256.*set JWT_ALG=ES256/],
  ] as const)("refuses %s", async (_case, keyAlg, configured, message) => {
    const { JWT_PRIVATE_KEY } = await envFor(keyAlg);
    expect(configProblem({ JWT_ALG: configured, JWT_PRIVATE_KEY, JWT_SECRET: "s".repeat(40) })).toMatch(message);
  });

  it("refuses an EC P-384 key, which no supported algorithm uses", () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(configProblem({ JWT_ALG: "ES256", JWT_PRIVATE_KEY: pem })).toMatch(/an EC P-384 key but JWT_ALG is ES256/);
  });

  it("refuses an RSA key under 2048 bits when the key set is built", async () => {
    const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await expect(keySetOf({ JWT_ALG: "RS256", JWT_PRIVATE_KEY: pem })).rejects.toThrow(/1024-bit RSA key; RS256 needs at least 2048 bits/);
  });

  it.each([
    ["is not JSON", "{kty:EC}", /JWT_PREVIOUS_KEYS is not JSON/],
    ["is not a list", '"abc"', /must be a JSON array of JWKs/],
    ["lacks alg", '[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]', /JWT_PREVIOUS_KEYS\[0\] needs "alg"/],
    ["has a kty that does not match alg", '[{"kty":"RSA","n":"AA","e":"AQAB","alg":"ES256"}]', /alg ES256, which needs kty "EC" with crv "P-256"/],
    ["has a private member", '[{"kty":"OKP","crv":"Ed25519","x":"AA","d":"AA","alg":"EdDSA"}]', /contains private members \(d\)/],
    ["has a short HMAC secret", `[{"kty":"oct","k":"${base64url.encode("short")}","alg":"HS256"}]`, /HMAC key shorter than 32 bytes/],
    ["has an encryption use", '[{"kty":"EC","crv":"P-256","x":"AA","y":"AA","alg":"ES256","use":"enc"}]', /"use": "enc"/],
  ])("refuses JWT_PREVIOUS_KEYS that %s", (_case, value, message) => {
    expect(configProblem({ JWT_SECRET: "s".repeat(40), JWT_PREVIOUS_KEYS: value })).toMatch(message);
  });

  it("refuses at key-set build a previous key that is well-formed but not a real key", async () => {
    const offCurve = JSON.stringify([{ kty: "EC", crv: "P-256", x: base64url.encode(new Uint8Array(32)), y: base64url.encode(new Uint8Array(32)), alg: "ES256" }]);
    await expect(keySetOf({ JWT_SECRET: "s".repeat(40), JWT_PREVIOUS_KEYS: offCurve })).rejects.toThrow(/JWT_PREVIOUS_KEYS\[0\] cannot be imported as an ES256 key/);
  });
});

describe("npm run keys:generate", () => {
  it.each(ALGORITHMS)("prints %s env lines that parse back through parseConfig into a working key set", async (alg) => {
    const lines = await generateKeyLines(alg);
    expect(lines[0]).toBe(`JWT_ALG=${alg}`);
    expect(lines[1]).toMatch(alg === "HS256" ? /^JWT_SECRET=[A-Za-z0-9+/]{64}$/ : /^JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\\n[^\n]+\\n-----END PRIVATE KEY-----"$/);
    const env = parseEnv(lines.join("\n"));
    if (alg === "HS256") expect(Buffer.from(env.JWT_SECRET!, "base64")).toHaveLength(48);
    const set = await keySetOf(env);
    expect(await codeOf(verifyAccessToken(await tokenFrom(set), set, settings))).toBe("accepted");

    const entry = JSON.parse(lines.at(-1)!.replace(/^# /, "")) as JWK;
    expect(entry.kid).toBe(set.current.kid);
    if (alg !== "HS256") for (const member of PRIVATE_JWK_MEMBERS) expect(entry).not.toHaveProperty(member);
  });

  it("prints the current key as a JWT_PREVIOUS_KEYS line that parses back", async () => {
    const env = await envFor("EdDSA");
    const set = await keySetOf(env);
    const line = parseEnv((await currentKeyLines(env)).join("\n"));
    const rotated = await keySetOf({ ...(await envFor("ES256")), JWT_PREVIOUS_KEYS: line.JWT_PREVIOUS_KEYS });
    expect(rotated.byKid.get(set.current.kid)?.alg).toBe("EdDSA");
  });
});
