/**
 * Signing in with a provider, the decisions that need no server: the
 * settings (a provider whole or not at all, https in production, the GitHub
 * stand-in on this machine only), who is who, and the username and name a
 * new account starts with.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { baseUsername, displayName, freeUsername, resolveIdentity } from "@/lib/auth/federation/linking";

const secret = "s".repeat(40);
const oidc = { AUTH_OIDC_ISSUER: "https://sso.example.com/", AUTH_OIDC_CLIENT_ID: "tessera", AUTH_OIDC_CLIENT_SECRET: "secret" };
const production = { NODE_ENV: "production", JWT_SECRET: secret, APP_URL: "https://app.example.com" };

describe("provider settings", () => {
  it("configure a provider only when all its settings are there, with the defaults", () => {
    const settings = parseConfig({ JWT_SECRET: secret, ...oidc });
    expect(settings.federation.oidc).toEqual({ issuer: "https://sso.example.com", clientId: "tessera", clientSecret: "secret", name: "Single sign-on", trustEmail: false });
    expect(settings.federation.google).toBeUndefined();
    expect(settings.federation.github).toBeUndefined();
    expect(parseConfig({ JWT_SECRET: secret, AUTH_GITHUB_CLIENT_ID: "a", AUTH_GITHUB_CLIENT_SECRET: "b" }).federation.github?.url).toBe("https://github.com");
    expect(() => parseConfig({ JWT_SECRET: secret, AUTH_GOOGLE_CLIENT_ID: "id" })).toThrow(/AUTH_GOOGLE_CLIENT_ID set without AUTH_GOOGLE_CLIENT_SECRET/);
    expect(() => parseConfig({ JWT_SECRET: secret, ...oidc, AUTH_OIDC_ISSUER: "sso.example.com" })).toThrow(/AUTH_OIDC_ISSUER must be an https URL/);
  });

  it("refuse in production a plain-http issuer, a GitHub URL off this machine, and a provider without APP_URL", () => {
    expect(() => parseConfig({ ...production, ...oidc, AUTH_OIDC_ISSUER: "http://sso.example.com" })).toThrow(/https URL in production/);
    expect(parseConfig({ NODE_ENV: "development", JWT_SECRET: secret, ...oidc, AUTH_OIDC_ISSUER: "http://127.0.0.1:9000" }).federation.oidc?.issuer).toBe("http://127.0.0.1:9000");
    const github = { AUTH_GITHUB_CLIENT_ID: "a", AUTH_GITHUB_CLIENT_SECRET: "b" };
    expect(() => parseConfig({ ...production, ...github, AUTH_GITHUB_URL: "https://github.example.com" })).toThrow(/AUTH_GITHUB_URL is for a local stand-in/);
    expect(() => parseConfig({ ...production, ...github, AUTH_GITHUB_URL: "http://127.0.0.1:4000" })).toThrow(/AUTH_GITHUB_URL is for a local stand-in/);
    expect(parseConfig({ ...production, ...github, AUTH_GITHUB_URL: "https://127.0.0.1:4000" }).federation.github?.url).toBe("https://127.0.0.1:4000");
    expect(parseConfig({ NODE_ENV: "development", JWT_SECRET: secret, ...github, AUTH_GITHUB_URL: "https://github.example.com" }).federation.github?.url).toBe("https://github.example.com");
    expect(() => parseConfig({ ...production, APP_URL: "", ...oidc })).toThrow(/APP_URL is not/);
  });
});

describe("who is who", () => {
  const none = { connectedUserId: null, confirmedOwnerId: null };
  it("signs a known identity in to its user, whatever its email says now", () => {
    expect(resolveIdentity({ email: "other@example.com", emailVerified: true }, false, { connectedUserId: "u1", confirmedOwnerId: "u2" })).toEqual({ kind: "known", userId: "u1" });
  });

  it("links by a verified email only for a provider trusted for email; else refuses; an unverified one never counts", () => {
    const owned = { connectedUserId: null, confirmedOwnerId: "u2" };
    expect(resolveIdentity({ email: "a@example.com", emailVerified: true }, true, owned)).toEqual({ kind: "link", userId: "u2" });
    expect(resolveIdentity({ email: "a@example.com", emailVerified: true }, false, owned)).toEqual({ kind: "refuse", code: "account_exists" });
    expect(resolveIdentity({ email: "a@example.com", emailVerified: false }, true, owned)).toEqual({ kind: "create", emailConfirmed: false });
  });

  it("creates an account for anyone else, its email confirmed only when verified", () => {
    expect(resolveIdentity({ email: "a@example.com", emailVerified: true }, false, none)).toEqual({ kind: "create", emailConfirmed: true });
    expect(resolveIdentity({ email: null, emailVerified: false }, true, none)).toEqual({ kind: "create", emailConfirmed: false });
  });
});

describe("a new account's username and name", () => {
  it("come from preferred_username, else the email's local part, within the username rule", () => {
    expect(baseUsername({ preferredUsername: "Ada.Lovelace", email: "x@example.com" })).toBe("ada.lovelace");
    expect(baseUsername({ preferredUsername: "Zoë Ünïcode!", email: null })).toBe("zoeunicode");
    expect(baseUsername({ preferredUsername: "!", email: "grace.hopper+navy@example.com" })).toBe("grace.hoppernavy");
    expect(baseUsername({ preferredUsername: null, email: null })).toBe("user");
    expect(baseUsername({ preferredUsername: "x".repeat(200), email: null })).toHaveLength(58);
  });

  it("are made unique, and a name is one printable line or the username", () => {
    expect(freeUsername("ada", new Set())).toBe("ada");
    expect(freeUsername("ada", new Set(["ada", "ada-2"]))).toBe("ada-3");
    expect(freeUsername("ada", new Set(["ada", ...Array.from({ length: 49 }, (_, i) => `ada-${i + 2}`)]), () => "zz9")).toBe("ada-zz9");
    expect(displayName("  Grace\u202E\nHopper ", "grace")).toBe("Grace Hopper");
    expect(displayName("\u0000", "grace")).toBe("grace");
  });
});
