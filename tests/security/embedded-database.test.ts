/**
 * The embedded database, attacked the way another account on the machine (or a
 * neighbour on its network) would: guessed and missing passwords, the password
 * file, and the server's addresses. Uses the test server's embedded database
 * when the run has one, as a second process would; otherwise starts its own.
 */
import { rmSync, statSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmbeddedDatabase, type EmbeddedDatabase } from "@/tools/embedded-database";
import { temporaryDir } from "@/tools/app-server";
import { codeOf } from "../support/outcome";
import { listeningSockets } from "@/tools/processes";
import { refusesConnections } from "../support/tcp";

const ownDir = process.env.EMBEDDED_DATA_DIR ? undefined : temporaryDir("tessera-embedded-");
const dataDir = ownDir ?? process.env.EMBEDDED_DATA_DIR!;
let database: EmbeddedDatabase;
let port: number;

beforeAll(async () => {
  database = await openEmbeddedDatabase(dataDir);
  port = Number(new URL(database.url).port);
}, 60_000);
afterAll(async () => {
  await database?.stop();
  if (ownDir) rmSync(ownDir, { recursive: true, force: true });
});

function signIn(user: string, password: string): Promise<string> {
  const client = new pg.Client({ host: "127.0.0.1", port, database: "postgres", user, password, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  return codeOf(client.connect().finally(() => client.end().catch(() => {})));
}

/**
 * A client that sends only its start-up message and reads the server's first
 * reply: with password authentication that is a request for credentials
 * ('R' with a non-zero method), under `trust` it is AuthenticationOk ('R', 0).
 */
function firstReply(user: string): Promise<{ type: string; method: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from(`user\0${user}\0database\0postgres\0\0`)]);
    const length = Buffer.alloc(4);
    length.writeInt32BE(body.length + 4);
    socket.once("connect", () => socket.write(Buffer.concat([length, body])));
    socket.once("data", (reply: Buffer) => {
      socket.destroy();
      resolve({ type: String.fromCharCode(reply[0]!), method: reply.length >= 9 ? reply.readInt32BE(5) : -1 });
    });
    socket.once("error", reject);
    socket.setTimeout(5000, () => reject(new Error("no reply")));
  });
}

describe("the embedded database", () => {
  it("refuses the well-known postgres:postgres, the package default and an empty password", async () => {
    for (const password of ["postgres", "password", ""]) {
      expect(await signIn("postgres", password), password || "(empty)").not.toBe("accepted");
    }
    expect(await signIn("postgres", "postgres")).toBe("28P01");
  });

  it("asks every TCP client for a password before anything else (no trust authentication)", async () => {
    for (const user of ["postgres", "tessera"]) {
      const reply = await firstReply(user);
      expect(reply.type, user).toBe("R");
      // 10 is SASL (SCRAM); 0 would mean the server let the client in unasked.
      expect(reply.method, user).toBe(10);
    }
  });

  it("lets in the app, whose password is the one on file, readable by its owner only", async () => {
    const { username, password } = new URL(database.url);
    expect(await signIn(username, decodeURIComponent(password))).toBe("accepted");
    expect(decodeURIComponent(password).length).toBeGreaterThanOrEqual(32);
    expect(statSync(path.join(dataDir, "postgres-password")).mode & 0o777).toBe(0o600);
  });

  it("listens on 127.0.0.1 only, with no Unix socket", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query("SHOW listen_addresses")).rows[0].listen_addresses).toBe("127.0.0.1");
      expect((await client.query("SHOW unix_socket_directories")).rows[0].unix_socket_directories).toBe("");
    } finally {
      await client.end();
    }
    expect(listeningSockets(port).map((socket) => socket.address)).toEqual(["127.0.0.1"]);
    // And from the outside: the machine's other addresses (link-local ones aside) refuse the port.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal && !address.scopeid)
      .map((address) => address!.address);
    for (const address of others) expect(await refusesConnections(port, address), address).toBe(true);
  });
});
