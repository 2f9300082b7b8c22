/** TCP for tests: whether a port still takes connections, and a relay that can hold a connection's traffic. */
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

/** Whether anything accepts TCP connections on a port (a stopping server no longer does), on loopback or another address. */
export function refusesConnections(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/**
 * A TCP relay in front of `target` (host:port) that a test can hold: while
 * held, nothing passes in either direction on any connection through it, old
 * or new, as in a network partition; released, what waited passes on. Its
 * `upstreamPorts()` are the local ports of its connections to the target,
 * which is how the target (PostgreSQL's `client_port`) sees them.
 */
export interface Relay {
  port: number;
  hold(): void;
  release(): void;
  upstreamPorts(): number[];
  close(): Promise<void>;
}

export async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const pairs = new Set<[Socket, Socket]>();
  let held = false;
  const server = createServer((downstream) => {
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [downstream, upstream];
    pairs.add(pair);
    for (const [from, to] of [pair, [upstream, downstream] as const]) {
      from.on("data", (chunk) => to.write(chunk));
      from.on("end", () => to.end());
      from.on("error", () => to.destroy());
      from.on("close", () => {
        to.destroy();
        pairs.delete(pair);
      });
      if (held) from.pause();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const sockets = () => [...pairs].flat();
  return {
    port: (server.address() as AddressInfo).port,
    hold() {
      held = true;
      for (const socket of sockets()) socket.pause();
    },
    release() {
      held = false;
      for (const socket of sockets()) socket.resume();
    },
    upstreamPorts: () => [...pairs].map(([, upstream]) => upstream.localPort).filter((port): port is number => port !== undefined),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets()) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
