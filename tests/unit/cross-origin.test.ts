import { describe, expect, it } from "vitest";
import { appOrigin, isForeignWrite, isSameOrigin } from "@/lib/edge/csrf";
import { ConfigError, parseConfig } from "@/lib/config";

const base = { method: "POST", fetchSite: null, ownOrigin: "https://app.example.com", allowedOrigins: ["https://front.example.com"] };

describe("CSRF decision", () => {
  it("refuses a write from a foreign origin, or from the opaque origin null", () => {
    expect(isForeignWrite({ ...base, origin: "https://evil.example" })).toBe(true);
    expect(isForeignWrite({ ...base, origin: "null" })).toBe(true);
    expect(isForeignWrite({ ...base, origin: "https://app.example.com.evil.example" })).toBe(true);
  });

  it("refuses the same host over another scheme or port: an origin is scheme, host and port", () => {
    expect(isForeignWrite({ ...base, origin: "http://app.example.com" })).toBe(true);
    expect(isForeignWrite({ ...base, origin: "https://app.example.com:8443" })).toBe(true);
  });

  it("without Origin, refuses what Fetch Metadata marks as coming from another site", () => {
    expect(isForeignWrite({ ...base, origin: null, fetchSite: "cross-site" })).toBe(true);
    expect(isForeignWrite({ ...base, origin: null, fetchSite: "same-site" })).toBe(true);
    expect(isForeignWrite({ ...base, origin: null, fetchSite: "same-origin" })).toBe(false);
    expect(isForeignWrite({ ...base, origin: null, fetchSite: "none" })).toBe(false);
  });

  it("lets through the app's own origin, allowed origins, reads, and requests without Origin or Fetch Metadata", () => {
    expect(isForeignWrite({ ...base, origin: "https://app.example.com" })).toBe(false);
    expect(isForeignWrite({ ...base, origin: "https://front.example.com" })).toBe(false);
    expect(isForeignWrite({ ...base, origin: "https://evil.example", method: "GET" })).toBe(false);
    expect(isForeignWrite({ ...base, origin: null })).toBe(false);
  });
});

describe("the app's own origin", () => {
  it("is scheme, host and port, with the default port folded", () => {
    expect(appOrigin("https", "app.example.com:443")).toBe("https://app.example.com");
    expect(appOrigin("http", "127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
    expect(appOrigin(null, "127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
    expect(appOrigin("https", null)).toBeNull();
    expect(appOrigin("https", "bad host/")).toBeNull();
  });

  it("matches an Origin only when scheme, host and port agree", () => {
    expect(isSameOrigin("http://127.0.0.1:3000", "http://127.0.0.1:3000")).toBe(true);
    expect(isSameOrigin("http://127.0.0.1:3001", "http://127.0.0.1:3000")).toBe(false);
    expect(isSameOrigin("https://127.0.0.1:3000", "http://127.0.0.1:3000")).toBe(false);
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
