/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, for test and bench
 * servers and the embedded database.
 *
 * The port is picked below the kernel's ephemeral range (32768–60999 on Linux),
 * from which both `listen(0)` and every outgoing connection take their local
 * ports. A port from that range that is free when picked can be taken by one of
 * the many connections a test run opens before the server meant for it gets to
 * listen (a server takes seconds to start), and the start fails with
 * EADDRINUSE. Below the range only another explicit choice can take it: the
 * ports this process has handed out are not handed out again, and any port in
 * use is skipped.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The lowest port picked: below it are many services' well-known ports. */
const LOWEST = 10_000;
/** The first port of the ephemeral range where the kernel does not say (IANA's dynamic ports, macOS's range). */
const DYNAMIC_PORTS = 49_152;
const ATTEMPTS = 50;

const handedOut = new Set<number>();
/** Read once: the range does not change while a process runs. */
let ephemeralFloor: number | undefined;

export async function freePort(): Promise<number> {
  const below = (ephemeralFloor ??= ephemeralStart());
  for (let attempt = 0; attempt < ATTEMPTS && below > LOWEST; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
    if (handedOut.has(port)) continue;
    // Taken before the check, so that calls at the same moment cannot both pick it.
    handedOut.add(port);
    if (await listensOn(port)) return port;
    handedOut.delete(port);
  }
  // A machine whose ephemeral range starts low, or whose low ports are all taken: the kernel's choice.
  return listen(0);
}

/** The first port of the kernel's ephemeral range. */
export function ephemeralStart(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : DYNAMIC_PORTS;
  } catch {
    return DYNAMIC_PORTS;
  }
}

/** Whether a server can listen on `port` of 127.0.0.1 now (it listens and closes again at once). */
function listensOn(port: number): Promise<boolean> {
  return listen(port).then(
    () => true,
    () => false,
  );
}

/** Listens on `port` of 127.0.0.1 (0: any), closes again, and returns the port it had. */
function listen(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
