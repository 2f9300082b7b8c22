/**
 * A stand-in for Have I Been Pwned's range API on 127.0.0.1, so tests never
 * reach the real service: it knows a given list of "breached" passwords,
 * answers GET /range/<prefix> as the service does (matching suffixes, plus
 * count-0 padding lines), records every path it was asked for, and can be
 * told to fail (500) or to hang. `npm test` runs one serving BREACHED_PASSWORDS.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Passwords the stand-in reports as breached; none of them is on the common list. */
export const BREACHED_PASSWORDS = ["tessera-breached-1!", "tessera-breached-2!", "tessera-breached-3!"] as const;

export type StandinMode = "ok" | "fail" | "hang";

export interface PwnedRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface PwnedStandin {
  url: string;
  /** Every request received, in order. */
  requests: PwnedRequest[];
  setMode(mode: StandinMode): void;
  close(): Promise<void>;
}

const PADDING_LINES = 8;

function sha1(password: string): string {
  return createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
}

export async function startPwnedStandin(breached: readonly string[] = BREACHED_PASSWORDS): Promise<PwnedStandin> {
  const known = new Map<string, string[]>();
  for (const hash of breached.map(sha1)) known.set(hash.slice(0, 5), [...(known.get(hash.slice(0, 5)) ?? []), `${hash.slice(5)}:42`]);
  const requests: PwnedRequest[] = [];
  let mode: StandinMode = "ok";

  const server: Server = createServer((request, response) => {
    requests.push({ path: request.url ?? "", headers: request.headers });
    if (mode === "hang") return;
    const match = /^\/range\/([0-9A-F]{5})$/.exec(request.url ?? "");
    if (mode === "fail" || request.method !== "GET" || !match) {
      response.writeHead(mode === "fail" ? 500 : 404).end();
      return;
    }
    const padding = Array.from({ length: PADDING_LINES }, () => `${randomBytes(18).toString("hex").slice(0, 35).toUpperCase()}:0`);
    response.writeHead(200, { "content-type": "text/plain" }).end([...(known.get(match[1]!) ?? []), ...padding].join("\r\n"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setMode: (next) => {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
