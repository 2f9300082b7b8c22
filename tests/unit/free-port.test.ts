import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { ephemeralStart, freePort } from "@/tools/free-port";

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("freePort", () => {
  it("picks ports below the kernel's ephemeral range, where no outgoing connection takes one, and never the same twice", async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralStart());
    }
    expect(new Set(ports).size).toBe(ports.length);
  });

  it("picks a port a server can listen on", async () => {
    const server = await listenOn(await freePort());
    await new Promise((resolve) => server.close(resolve));
  });
});
