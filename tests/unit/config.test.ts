import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, maintenanceConfig, parseConfig } from "@/lib/config";

const secret = "s".repeat(40);

describe("configuration", () => {
  it("uses the spec's defaults", () => {
    const settings = parseConfig({ JWT_SECRET: secret });
    expect(settings.jwt.alg).toBe("HS256");
    expect(settings.jwt.accessTokenTtl).toBe(900);
    expect(settings.cookies.sameSite).toBe("lax");
    expect(settings.bcryptCost).toBe(12);
    expect(settings.database.timeoutMs).toBe(5000);
    expect(settings.trustProxy).toBe(false);
  });

  it("turns the session cache on, except on Vercel, unless SESSION_CACHE says otherwise", () => {
    expect(parseConfig({ JWT_SECRET: secret }).sessionCache).toBe(true);
    expect(parseConfig({ JWT_SECRET: secret, SESSION_CACHE: "off" }).sessionCache).toBe(false);
    expect(parseConfig({ JWT_SECRET: secret, VERCEL: "1" }).sessionCache).toBe(false);
    expect(parseConfig({ JWT_SECRET: secret, VERCEL: "1", SESSION_CACHE: "on" }).sessionCache).toBe(true);
    expect(() => parseConfig({ JWT_SECRET: secret, SESSION_CACHE: "yes" })).toThrow(/SESSION_CACHE must be on or off/);
  });

  it("stops with a clear message when JWT_SECRET is missing", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET is not set/);
    expect(() => parseConfig({ NODE_ENV: "production", JWT_SECRET: "" })).toThrow(/JWT_SECRET is not set/);
  });

  it("refuses a secret shorter than 32 bytes", () => {
    expect(() => parseConfig({ NODE_ENV: "production", JWT_SECRET: "short-secret" })).toThrow(/JWT_SECRET is too short/);
  });

  it.each([
    ["ACCESS_TOKEN_TTL", "soon"],
    ["ACCESS_TOKEN_TTL", "0"],
    ["BCRYPT_COST", "4"],
    ["BCRYPT_WORKERS", "0"],
    ["BCRYPT_WORKERS", "two"],
    ["COOKIE_SAMESITE", "sometimes"],
    ["JWT_ALG", "none"],
    ["DATABASE_URL", "mysql://localhost/x"],
    ["SESSION_RETENTION", "forever"],
    ["SESSION_RETENTION", "0"],
    ["EVENT_RETENTION", "-1d"],
  ])("names %s when it is %j", (name, value) => {
    expect(() => parseConfig({ JWT_SECRET: secret, [name]: value })).toThrow(new RegExp(name));
  });

  it("reads TOTP_ENCRYPTION_KEY in base64 or base64url, with or without padding, as the same 32 bytes", () => {
    const key = randomBytes(32);
    for (const encoded of [key.toString("base64"), key.toString("base64url"), key.toString("base64").replace(/=+$/, ""), ` ${key.toString("base64url")}\n`]) {
      expect(Buffer.from(parseConfig({ JWT_SECRET: secret, TOTP_ENCRYPTION_KEY: encoded }).totpEncryptionKey!)).toEqual(key);
    }
  });

  it.each([
    ["16 bytes", randomBytes(16).toString("base64")],
    ["33 bytes", randomBytes(33).toString("base64url")],
    ["hex", randomBytes(32).toString("hex")],
    ["both alphabets at once", "ab+c-" + randomBytes(30).toString("base64url")],
  ])("refuses a TOTP_ENCRYPTION_KEY of %s, saying which encodings work", (_kind, encoded) => {
    expect(() => parseConfig({ JWT_SECRET: secret, TOTP_ENCRYPTION_KEY: encoded })).toThrow(/TOTP_ENCRYPTION_KEY must be 32 random bytes in base64 or base64url/);
  });

  it("sizes the bcrypt pool to the cores unless BCRYPT_WORKERS says how many", () => {
    expect(parseConfig({ JWT_SECRET: secret }).bcryptWorkers).toBeUndefined();
    expect(parseConfig({ JWT_SECRET: secret, BCRYPT_WORKERS: "" }).bcryptWorkers).toBeUndefined();
    expect(parseConfig({ JWT_SECRET: secret, BCRYPT_WORKERS: "3" }).bcryptWorkers).toBe(3);
  });

  it("reads durations in seconds, minutes, hours and days", () => {
    expect(parseConfig({ JWT_SECRET: secret, ACCESS_TOKEN_TTL: "90" }).jwt.accessTokenTtl).toBe(90);
    expect(parseConfig({ JWT_SECRET: secret, ACCESS_TOKEN_TTL: "2h" }).jwt.accessTokenTtl).toBe(7200);
    expect(parseConfig({ JWT_SECRET: secret, SESSION_MAX_AGE: "30d" }).sessionMaxAge).toBe(2_592_000);
  });

  it("keeps ended sessions 30 days and auth events 90 days unless told otherwise", () => {
    expect(parseConfig({ JWT_SECRET: secret }).retention).toMatchObject({ sessions: 30 * 86_400, events: 90 * 86_400 });
    expect(parseConfig({ JWT_SECRET: secret, SESSION_RETENTION: "12h", EVENT_RETENTION: "365d" }).retention).toMatchObject({
      sessions: 43_200,
      events: 365 * 86_400,
    });
  });

  it("gives npm run db:prune its settings without any JWT setting", () => {
    const settings = maintenanceConfig({ EVENT_RETENTION: "7d" });
    expect(settings.retention.events).toBe(7 * 86_400);
    expect(settings.refreshTokenTtl).toBe(7 * 86_400);
    expect(() => maintenanceConfig({ SESSION_RETENTION: "soon" })).toThrow(/SESSION_RETENTION/);
  });
});
