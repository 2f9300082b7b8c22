import { describe, expect, it } from "vitest";
import { isCrossSiteWrite, isSameOrigin } from "@/lib/http/cors";
import { ConfigError, parseConfig } from "@/lib/config";

const base = { method: "POST", host: "app.example.com", hasAuthCookie: true, allowedOrigins: ["https://front.example.com"] };

describe("CSRF decision", () => {
  it("refuses a cookie-carrying write from a foreign origin, or from the opaque origin null", () => {
    expect(isCrossSiteWrite({ ...base, origin: "https://evil.example" })).toBe(true);
    expect(isCrossSiteWrite({ ...base, origin: "null" })).toBe(true);
    expect(isCrossSiteWrite({ ...base, origin: "https://app.example.com.evil.example" })).toBe(true);
  });

  it("lets through the app's own origin, allowed origins, reads, and requests without cookies or Origin", () => {
    expect(isCrossSiteWrite({ ...base, origin: "https://app.example.com" })).toBe(false);
    expect(isCrossSiteWrite({ ...base, origin: "https://front.example.com" })).toBe(false);
    expect(isCrossSiteWrite({ ...base, origin: "https://evil.example", method: "GET" })).toBe(false);
    expect(isCrossSiteWrite({ ...base, origin: "https://evil.example", hasAuthCookie: false })).toBe(false);
    expect(isCrossSiteWrite({ ...base, origin: null })).toBe(false);
  });

  it("compares hosts with their port", () => {
    expect(isSameOrigin("http://127.0.0.1:3000", "127.0.0.1:3000")).toBe(true);
    expect(isSameOrigin("http://127.0.0.1:3001", "127.0.0.1:3000")).toBe(false);
  });
});

describe("CORS_ORIGINS", () => {
  it("takes exact origins and refuses anything else", () => {
    const settings = parseConfig({ JWT_SECRET: "s".repeat(40), CORS_ORIGINS: "https://a.example, http://localhost:5173" });
    expect(settings.corsOrigins).toEqual(["https://a.example", "http://localhost:5173"]);
    expect(() => parseConfig({ JWT_SECRET: "s".repeat(40), CORS_ORIGINS: "https://a.example/" })).toThrow(ConfigError);
    expect(() => parseConfig({ JWT_SECRET: "s".repeat(40), CORS_ORIGINS: "*" })).toThrow(/CORS_ORIGINS/);
  });
});
