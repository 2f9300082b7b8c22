/**
 * The production server's handling of methods Next.js cannot serve
 * (server/methods.js): an API request goes on as a GET marked for the
 * route wrapper, which must read the same header name; anything else is a
 * plain 405 at once; a marker sent by the client never gets through.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { REFUSED_METHOD_HEADER as routeHeader } from "@/lib/http/route";
import { REFUSED_METHOD_HEADER, refuseUnroutedMethod } from "@/server/methods.js";

function exchange(method: string, url: string, headers: Record<string, string> = {}) {
  const request = { method, url, headers: { ...headers } } as unknown as IncomingMessage;
  const sent: { status?: number; headers?: Record<string, string>; body?: string } = {};
  const response = {
    writeHead(status: number, head: Record<string, string>) {
      sent.status = status;
      sent.headers = head;
      return this;
    },
    end(body: string) {
      sent.body = body;
      return this;
    },
  } as unknown as ServerResponse;
  return { request, response, sent, answered: () => refuseUnroutedMethod(request, response) };
}

describe("methods Next.js cannot serve", () => {
  it("are marked with the header the route wrapper reads", () => {
    expect(REFUSED_METHOD_HEADER).toBe(routeHeader);
  });

  it.each(["TRACE", "PROPFIND", "SEARCH", "PURGE"])("%s under /api/ goes on as a GET naming the method, for the route to answer 405", (method) => {
    const { request, sent, answered } = exchange(method, "/api/auth/login?x=1");
    expect(answered()).toBe(false);
    expect(request.method).toBe("GET");
    expect(request.headers[REFUSED_METHOD_HEADER]).toBe(method);
    expect(sent.status).toBeUndefined();
  });

  it.each(["/", "/login", "/dashboard", "/.well-known/jwks.json", "/API/auth/me", "/api"])("TRACE on %s is a plain 405 with Allow, answered at once", (url) => {
    const { sent, answered } = exchange("TRACE", url);
    expect(answered()).toBe(true);
    expect(sent.status).toBe(405);
    expect(sent.headers).toMatchObject({ allow: "GET, HEAD, POST", "content-type": "text/plain; charset=utf-8" });
    expect(sent.body).toBe("Method Not Allowed\n");
  });

  it.each(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])("%s passes unchanged, and a marker the client sent is dropped", (method) => {
    const { request, answered } = exchange(method, "/api/auth/me", { [REFUSED_METHOD_HEADER]: "TRACE" });
    expect(answered()).toBe(false);
    expect(request.method).toBe(method);
    expect(request.headers[REFUSED_METHOD_HEADER]).toBeUndefined();
  });
});
