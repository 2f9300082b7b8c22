/**
 * This process's ear on the database: one dedicated connection that
 * `LISTEN`s on the channel the session triggers notify
 * (prisma/migrations/…_session_notices), and drops from the session cache
 * whatever a notice names. Without it the cache is never trusted. A change to
 * a membership, or to an organization's name, is announced as a change to
 * each user it concerns, and a switch of organization as a change to the
 * session (…_organizations), so a removed member or a demoted ADMIN loses
 * access on every instance with the next request.
 *
 * How the cache knows it has heard everything: every `BEAT_MS` the connection
 * sends a notice of its own ("beat") and waits for it to come back.
 * PostgreSQL delivers notices in commit order, so when a beat arrives, every
 * revocation committed before it was sent has already been handled. A
 * connection that dies, or hangs without dying, stops confirming beats, and
 * after `trustMs` the cache stops answering (lib/auth/sessions/cache.ts). On
 * an error the cache is emptied at once and the listener reconnects after
 * `RECONNECT_MS`.
 *
 * Behind a transaction pooler (PgBouncer in transaction mode, Supabase on
 * port 6543, Neon's -pooler host) LISTEN does not work: beats never come
 * back, the cache never answers, and a warning says so once. Every request
 * then asks the database, as with SESSION_CACHE=off.
 */
import "server-only";
import pg from "pg";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import type { SessionCache } from "@/lib/auth/sessions/cache";

export const SESSION_CHANNEL = "tessera_session_changes";
/** The listening connection's name in `pg_stat_activity`. */
export const LISTENER_APPLICATION_NAME = "tessera-session-notices";

const BEAT_MS = 500;
const RECONNECT_MS = 1_000;
/** How long beats may go unanswered after connecting before the warning about poolers. */
const SILENT_WARNING_MS = 15_000;

interface Forgetting {
  forgetSession(sessionId: string): void;
  forgetUser(userId: string): void;
}

/** What a notice asks the cache to do; beats are handled by the listener itself. */
export function applyNotice(cache: Forgetting, payload: string): void {
  const separator = payload.indexOf(":");
  const kind = payload.slice(0, separator);
  const id = payload.slice(separator + 1);
  if (kind === "session") cache.forgetSession(id);
  else if (kind === "user") cache.forgetUser(id);
}

export class SessionNoticeListener {
  readonly #cache: SessionCache<unknown>;
  /** Tells this process's beats from other instances' and from earlier connections'. */
  readonly #instance = crypto.randomUUID();
  #connection = 0;
  #client: pg.Client | null = null;
  #beat: NodeJS.Timeout | null = null;
  #beatsSent = new Map<number, number>();
  #beatSequence = 0;
  #everConfirmed = false;
  /** Beats are coming back on the current connection: a loss is worth one log line. */
  #listening = false;
  #warned = false;

  constructor(cache: SessionCache<unknown>) {
    this.#cache = cache;
  }

  start(): void {
    void this.#connect();
  }

  async #connect(): Promise<void> {
    const connection = ++this.#connection;
    const { url, timeoutMs } = config().database;
    const client = new pg.Client({
      connectionString: url,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      keepAlive: true,
    });
    this.#client = client;
    client.on("error", (error) => this.#lost(connection, error));
    client.on("end", () => this.#lost(connection, null));
    client.on("notification", (message) => {
      if (message.channel === SESSION_CHANNEL && message.payload) this.#heard(connection, message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${SESSION_CHANNEL}`);
    } catch (error) {
      this.#lost(connection, error);
      return;
    }
    const connectedAt = performance.now();
    this.#beat = setInterval(() => {
      void this.#sendBeat(connection, client);
      if (!this.#everConfirmed && !this.#warned && performance.now() - connectedAt > SILENT_WARNING_MS) {
        this.#warned = true;
        log.warn(
          { channel: SESSION_CHANNEL },
          "session notices are not coming back (a transaction pooler?): the session cache stays off and every request asks the database",
        );
      }
    }, BEAT_MS);
    this.#beat.unref();
    void this.#sendBeat(connection, client);
  }

  async #sendBeat(connection: number, client: pg.Client): Promise<void> {
    const sequence = ++this.#beatSequence;
    this.#beatsSent.set(sequence, performance.now());
    // Beats that never came back (a hung connection) must not pile up.
    for (const old of this.#beatsSent.keys()) {
      if (this.#beatsSent.size <= 20) break;
      this.#beatsSent.delete(old);
    }
    try {
      await client.query("SELECT pg_notify($1, $2)", [SESSION_CHANNEL, `beat:${this.#instance}:${connection}:${sequence}`]);
    } catch (error) {
      this.#lost(connection, error);
    }
  }

  #heard(connection: number, payload: string): void {
    if (connection !== this.#connection) return;
    if (!payload.startsWith("beat:")) {
      applyNotice(this.#cache, payload);
      return;
    }
    const [, instance, beatConnection, sequence] = payload.split(":");
    if (instance !== this.#instance || Number(beatConnection) !== connection) return;
    const sentAt = this.#beatsSent.get(Number(sequence));
    if (sentAt === undefined) return;
    this.#beatsSent.delete(Number(sequence));
    if (!this.#listening) log.info({ channel: SESSION_CHANNEL }, "session notices: listening; the session cache is on");
    this.#everConfirmed = true;
    this.#listening = true;
    this.#cache.confirm(sentAt);
  }

  /** The connection failed or closed: stop trusting the cache now, and try again shortly. */
  #lost(connection: number, error: unknown): void {
    if (connection !== this.#connection) return;
    this.#connection++;
    this.#cache.suspend();
    if (this.#beat) clearInterval(this.#beat);
    this.#beat = null;
    this.#beatsSent.clear();
    const client = this.#client;
    this.#client = null;
    client?.removeAllListeners("notification");
    client?.end().catch(() => undefined);
    if (this.#listening) {
      log.warn({ err: error instanceof Error ? error.message : undefined }, "session notices: connection lost; every request asks the database until it is back");
    }
    this.#listening = false;
    setTimeout(() => void this.#connect(), RECONNECT_MS).unref();
  }
}
