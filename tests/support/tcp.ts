/** Whether anything accepts TCP connections on a port (a stopping server no longer does), on loopback or another address. */
import { connect } from "node:net";

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
