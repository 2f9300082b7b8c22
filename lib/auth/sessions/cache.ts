/**
 * Sessions this process has checked against the database, remembered for a
 * short while, so that a signed-in request usually needs no query at all.
 * It is the data-access layer's memory (lib/auth/dal.ts); what keeps it
 * honest is PostgreSQL telling every instance about each change that ends a
 * session or changes its user (lib/auth/sessions/notices.ts).
 *
 * The rules, each of which a test attacks:
 *
 * - **Trusted only while the notices flow.** The cache answers only while
 *   the listening connection has confirmed, within the last `trustMs`, that
 *   every notice committed before a moment has reached this process (see
 *   `confirm`). While that connection is down or silent — at start-up, in an
 *   outage, during a reconnect — every check goes to the database and
 *   nothing is remembered, so a lost notice can never let a revoked session in.
 * - **Nothing stale is stored.** A check takes a `ticket` before it queries;
 *   its answer is stored only if no notice, local revocation or loss of trust
 *   came in between (an epoch counter). A revocation that commits while the
 *   query runs therefore never leaves its session behind in the cache.
 * - **Bounded.** At most `maxEntries` (the least recently used goes first),
 *   each for at most `maxEntryMs` counted from its ticket, the moment the
 *   database was asked whether the session would still be live that long
 *   (the token itself is checked on every request, before the cache).
 * - **The revoking instance forgets at once** (`forgetSession`,
 *   `forgetUser`), before its own notice comes back.
 *
 * Free of I/O and of `server-only`, so it can be tested on its own.
 */

export interface SessionCacheLimits {
  maxEntries: number;
  /** How long one database answer is reused. */
  maxEntryMs: number;
  /** How recent the last confirmed notice beat must be for the cache to answer. */
  trustMs: number;
}

/**
 * 10,000 sessions of a few hundred bytes each stay within a few MiB. An entry
 * lives 60 s; notices, not age, are what end it early. The listener beats
 * every 500 ms (lib/auth/sessions/notices.ts), so 1.5 s allows two late beats.
 */
export const DEFAULT_SESSION_CACHE_LIMITS: SessionCacheLimits = { maxEntries: 10_000, maxEntryMs: 60_000, trustMs: 1_500 };

/** A moment on the monotonic clock, in milliseconds: wall-clock changes cannot stretch an entry's life. */
export type Moment = number;

interface Entry<User> {
  userId: string;
  user: User;
  /** Monotonic milliseconds after which the entry is no longer used. */
  until: Moment;
}

/** Taken before the database is asked; `store` accepts the answer only if nothing happened in between. */
export interface Ticket {
  readonly epoch: number;
  /** When it was taken: an entry's life counts from here, not from when the answer came back. */
  readonly takenAt: Moment;
}

export class SessionCache<User> {
  readonly #entries = new Map<string, Entry<User>>();
  readonly #limits: SessionCacheLimits;
  readonly #now: () => Moment;
  /** Bumped by every notice, local revocation and loss of trust. */
  #epoch = 0;
  /** When the last confirmed beat was sent; the cache is trusted until `trustMs` after it. */
  #confirmedAt: Moment | null = null;

  constructor(limits: SessionCacheLimits = DEFAULT_SESSION_CACHE_LIMITS, now: () => Moment = () => performance.now()) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Whether the cache may answer now: notices have been confirmed recently enough. */
  get trusted(): boolean {
    return this.#confirmedAt !== null && this.#now() - this.#confirmedAt <= this.#limits.trustMs;
  }

  /** The longest an entry lives: ask the database whether the session is still live this far ahead. */
  get maxEntryMs(): number {
    return this.#limits.maxEntryMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The user of live session `sessionId`, if this process knows it, it belongs to `userId`, and the cache is trusted. */
  lookup(sessionId: string, userId: string): User | undefined {
    if (!this.trusted) return undefined;
    const entry = this.#entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.userId !== userId || this.#now() >= entry.until) {
      this.#entries.delete(sessionId);
      return undefined;
    }
    // Most recently used last: Map keeps insertion order.
    this.#entries.delete(sessionId);
    this.#entries.set(sessionId, entry);
    return entry.user;
  }

  ticket(): Ticket {
    return { epoch: this.#epoch, takenAt: this.#now() };
  }

  /**
   * Remembers the database's answer for session `sessionId`, taken with
   * `ticket`, for at most `forMs` (capped at `maxEntryMs`) from the ticket. Does nothing if
   * anything was revoked or forgotten since the ticket, or if the cache is not trusted.
   */
  store(ticket: Ticket, sessionId: string, userId: string, user: User, forMs: number): void {
    if (ticket.epoch !== this.#epoch || !this.trusted || forMs <= 0) return;
    this.#entries.delete(sessionId);
    this.#entries.set(sessionId, { userId, user, until: ticket.takenAt + Math.min(forMs, this.#limits.maxEntryMs) });
    while (this.#entries.size > this.#limits.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  forgetSession(sessionId: string): void {
    this.#epoch++;
    this.#entries.delete(sessionId);
  }

  forgetUser(userId: string): void {
    this.#epoch++;
    for (const [sessionId, entry] of this.#entries) {
      if (entry.userId === userId) this.#entries.delete(sessionId);
    }
  }

  /**
   * A beat sent at `sentAt` came back through the listening connection.
   * PostgreSQL delivers notices in commit order, so every notice committed
   * before the beat has been handled: the cache is up to date as of `sentAt`.
   */
  confirm(sentAt: Moment): void {
    if (this.#confirmedAt === null || sentAt > this.#confirmedAt) this.#confirmedAt = sentAt;
  }

  /** The listening connection is gone: forget everything and answer nothing until beats are confirmed again. */
  suspend(): void {
    this.#epoch++;
    this.#confirmedAt = null;
    this.#entries.clear();
  }
}
