/**
 * The passkeys' pure parts: which relying party a request gets (configured,
 * derived from the request in development, refused in production), which
 * `amr` a passkey proves, and the input rules for names, ids and answers.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { passkeyAuthenticationSchema, passkeyIdSchema, passkeyOptionsSchema, renamePasskeySchema } from "@/lib/schemas";

const state: { headers: Headers; settings: { production: boolean; trustProxy: boolean; webauthn?: { rpId: string; origin: string } } } = {
  headers: new Headers(),
  settings: { production: false, trustProxy: false },
};

vi.mock("next/headers", () => ({ headers: async () => state.headers }));
vi.mock("@/lib/config", () => ({ config: () => state.settings }));

const { relyingParty } = await import("@/lib/auth/passkeys/relying-party");
const { passkeyMethod } = await import("@/lib/auth/passkeys/authenticate");

beforeEach(() => {
  state.headers = new Headers({ host: "dev.example.test:3000" });
  state.settings = { production: false, trustProxy: false };
});

describe("the relying party", () => {
  it("is the configured one when WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN are set, whatever the request says", async () => {
    state.settings = { production: true, trustProxy: false, webauthn: { rpId: "example.com", origin: "https://app.example.com" } };
    expect(await relyingParty()).toEqual({ rpId: "example.com", origin: "https://app.example.com" });
  });

  it("in development, unset, is derived from the Host and X-Forwarded-Proto the request carries", async () => {
    expect(await relyingParty()).toEqual({ rpId: "dev.example.test", origin: "http://dev.example.test:3000" });
    state.headers.set("x-forwarded-proto", "https");
    expect(await relyingParty()).toEqual({ rpId: "dev.example.test", origin: "https://dev.example.test:3000" });
  });

  it("takes X-Forwarded-Host only behind a trusted proxy", async () => {
    state.headers.set("x-forwarded-host", "proxy.example.test");
    expect((await relyingParty()).rpId).toBe("dev.example.test");
    state.settings.trustProxy = true;
    expect((await relyingParty()).rpId).toBe("proxy.example.test");
  });

  it("in production, unset, is refused with 503 naming both settings", async () => {
    state.settings.production = true;
    await expect(relyingParty()).rejects.toMatchObject({ code: "service_unavailable", message: expect.stringMatching(/WEBAUTHN_RP_ID.*WEBAUTHN_ORIGIN/) });
  });
});

describe("a passkey's amr", () => {
  it("is hwk for a hardware-bound key and swk for a synced one", () => {
    expect(passkeyMethod("singleDevice")).toBe("hwk");
    expect(passkeyMethod("multiDevice")).toBe("swk");
  });
});

describe("passkey input", () => {
  it("trims names and takes 1 to 64 characters", () => {
    expect(renamePasskeySchema.parse({ name: "  Laptop  " }).name).toBe("Laptop");
    expect(renamePasskeySchema.safeParse({ name: "   " }).success).toBe(false);
    expect(renamePasskeySchema.safeParse({ name: "x".repeat(64) }).success).toBe(true);
    expect(renamePasskeySchema.safeParse({ name: "x".repeat(65) }).success).toBe(false);
  });

  it("takes only base64url credential ids", () => {
    expect(passkeyIdSchema.safeParse({ id: "AbC-_09" }).success).toBe(true);
    for (const id of ["", "a/b", "a+b", "a=", "x".repeat(1401)]) expect(passkeyIdSchema.safeParse({ id }).success).toBe(false);
  });

  it("knows three purposes, sign-in by default", () => {
    expect(passkeyOptionsSchema.parse({}).purpose).toBe("sign-in");
    expect(passkeyOptionsSchema.safeParse({ purpose: "admin" }).success).toBe(false);
  });

  it("refuses an answer that is not shaped like a WebAuthn assertion", () => {
    const response = { id: "abc", rawId: "abc", type: "public-key", response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" } };
    expect(passkeyAuthenticationSchema.safeParse({ response }).success).toBe(true);
    expect(passkeyAuthenticationSchema.safeParse({ response: { ...response, type: "password" } }).success).toBe(false);
    expect(passkeyAuthenticationSchema.safeParse({ response: { ...response, response: { ...response.response, signature: "not base64url!" } } }).success).toBe(false);
  });
});
