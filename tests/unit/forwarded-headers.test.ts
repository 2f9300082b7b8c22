import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { clientInfo } from "@/lib/request/client-info";
import { forwardedFromSocket, trustsProxy } from "@/server/forwarded-headers.js";

/** A request as Node.js hands it to the server: headers as the client sent them, and its socket. */
function request(headers: Record<string, string>, socket: { remoteAddress?: string; localPort?: number; encrypted?: boolean }): IncomingMessage {
  return { headers: { ...headers }, socket } as unknown as IncomingMessage;
}

const spoofed = {
  host: "app.example.com",
  "x-forwarded-for": "203.0.113.7, 198.51.100.1",
  "x-forwarded-proto": "https",
  "x-forwarded-host": "evil.example",
  "x-forwarded-port": "443",
  "x-real-ip": "203.0.113.8",
  forwarded: "for=203.0.113.9",
};

describe("the production server's X-Forwarded-* headers", () => {
  it("replaces what the client claims with what the socket says", () => {
    const req = request(spoofed, { remoteAddress: "192.0.2.10", localPort: 3000 });
    forwardedFromSocket(req);
    expect(req.headers).toEqual({
      host: "app.example.com",
      "x-forwarded-for": "192.0.2.10",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "app.example.com",
      "x-forwarded-port": "3000",
    });
  });

  it("says https only for a TLS socket", () => {
    const req = request({ host: "app.example.com" }, { remoteAddress: "192.0.2.10", localPort: 443, encrypted: true });
    forwardedFromSocket(req);
    expect(req.headers["x-forwarded-proto"]).toBe("https");
  });

  it("leaves a header unset when the socket does not know (Next.js then fills it as it would)", () => {
    const req = request({ "x-forwarded-for": "203.0.113.7" }, {});
    forwardedFromSocket(req);
    expect(req.headers).toEqual({ "x-forwarded-proto": "http" });
  });

  it("reads TRUST_PROXY exactly as the app's configuration does", () => {
    for (const value of ["1", "true", "0", "false", "", undefined]) {
      const env = { JWT_SECRET: "s".repeat(40), TRUST_PROXY: value };
      expect(trustsProxy(env), `TRUST_PROXY=${value}`).toBe(parseConfig(env).trustProxy);
    }
  });
});

describe("clientInfo", () => {
  it("takes the client IP from the first X-Forwarded-For entry, as the server or the trusted proxy wrote it", () => {
    expect(clientInfo(new Headers({ "x-forwarded-for": "192.0.2.10" })).ip).toBe("192.0.2.10");
    expect(clientInfo(new Headers({ "x-forwarded-for": " 203.0.113.7 , 10.0.0.1" })).ip).toBe("203.0.113.7");
    expect(clientInfo(new Headers()).ip).toBeNull();
  });
});
