/**
 * The session cache's rules (lib/auth/sessions/cache.ts), on a clock the test
 * moves: it answers only while notices are confirmed, stores nothing a
 * revocation overtook, and forgets what a notice names.
 */
import { describe, expect, it } from "vitest";
import { SessionCache, type SessionCacheLimits } from "@/lib/auth/sessions/cache";
import { applyNotice } from "@/lib/auth/sessions/notices";

const limits: SessionCacheLimits = { maxEntries: 3, maxEntryMs: 60_000, trustMs: 1_500 };

function setup() {
  let now = 1_000;
  const cache = new SessionCache<string>(limits, () => now);
  const advance = (ms: number) => {
    now += ms;
  };
  const beat = () => cache.confirm(now);
  return { cache, advance, beat };
}

describe("the session cache", () => {
  it("answers nothing, and stores nothing, before the first beat is confirmed", () => {
    const { cache, beat } = setup();
    cache.store(cache.ticket(), "s1", "u1", "alice", 60_000);
    beat();
    expect(cache.lookup("s1", "u1")).toBeUndefined();
    cache.store(cache.ticket(), "s1", "u1", "alice", 60_000);
    expect(cache.lookup("s1", "u1")).toBe("alice");
  });

  it("stops answering once beats stop coming back, and answers again (entries intact) when one does", () => {
    const { cache, advance, beat } = setup();
    beat();
    cache.store(cache.ticket(), "s1", "u1", "alice", 60_000);
    advance(1_500);
    expect(cache.lookup("s1", "u1")).toBe("alice");
    advance(1);
    expect(cache.trusted).toBe(false);
    expect(cache.lookup("s1", "u1")).toBeUndefined();
    beat();
    expect(cache.lookup("s1", "u1")).toBe("alice");
  });

  it("never lets an older beat extend trust past a newer one", () => {
    const { cache, advance } = setup();
    cache.confirm(1_000);
    advance(1_000);
    cache.confirm(500);
    advance(600);
    expect(cache.trusted).toBe(false);
  });

  it("refuses an answer that a revocation overtook while the database was being asked", () => {
    const { cache, beat } = setup();
    beat();
    const ticket = cache.ticket();
    cache.forgetSession("s1");
    cache.store(ticket, "s1", "u1", "alice", 60_000);
    expect(cache.lookup("s1", "u1")).toBeUndefined();

    const userTicket = cache.ticket();
    applyNotice(cache, "user:u9");
    cache.store(userTicket, "s1", "u1", "alice", 60_000);
    expect(cache.lookup("s1", "u1")).toBeUndefined();
  });

  it("refuses an answer taken before the listening connection was lost, even once it is back", () => {
    const { cache, beat } = setup();
    beat();
    const ticket = cache.ticket();
    cache.suspend();
    beat();
    cache.store(ticket, "s1", "u1", "alice", 60_000);
    expect(cache.lookup("s1", "u1")).toBeUndefined();
  });

  it("forgets everything when the connection is lost", () => {
    const { cache, beat } = setup();
    beat();
    cache.store(cache.ticket(), "s1", "u1", "alice", 60_000);
    cache.suspend();
    beat();
    expect(cache.lookup("s1", "u1")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("drops the session a notice names, and every session of a user a notice names", () => {
    const { cache, beat } = setup();
    beat();
    cache.store(cache.ticket(), "s1", "u1", "alice", 60_000);
    cache.store(cache.ticket(), "s2", "u1", "alice", 60_000);
    cache.store(cache.ticket(), "s3", "u2", "bob", 60_000);
    applyNotice(cache, "session:s1");
    expect(cache.lookup("s1", "u1")).toBeUndefined();
    expect(cache.lookup("s2", "u1")).toBe("alice");
    applyNotice(cache, "user:u1");
    expect(cache.lookup("s2", "u1")).toBeUndefined();
    expect(cache.lookup("s3", "u2")).toBe("bob");
  });

  it("answers only for the user the session belongs to", () => {
    const { cache, beat } = setup();
    beat();
    cache.store(cache.ticket(), "s1", "u1", "alice", 60_000);
    expect(cache.lookup("s1", "u2")).toBeUndefined();
  });

  it("keeps an entry no longer than asked, nor than its cap", () => {
    const { cache, advance, beat } = setup();
    beat();
    cache.store(cache.ticket(), "short", "u1", "alice", 1_000);
    cache.store(cache.ticket(), "long", "u1", "alice", 10 * 60_000);
    cache.store(cache.ticket(), "none", "u1", "alice", 0);
    expect(cache.lookup("none", "u1")).toBeUndefined();
    advance(1_000);
    beat();
    expect(cache.lookup("short", "u1")).toBeUndefined();
    advance(58_999);
    beat();
    expect(cache.lookup("long", "u1")).toBe("alice");
    advance(1);
    beat();
    expect(cache.lookup("long", "u1")).toBeUndefined();
  });

  it("counts an entry's life from its ticket, when the database was asked, not from when the answer came back", () => {
    const { cache, advance, beat } = setup();
    beat();
    const ticket = cache.ticket();
    advance(1_000);
    beat();
    cache.store(ticket, "s1", "u1", "alice", 60_000);
    advance(58_999);
    beat();
    expect(cache.lookup("s1", "u1")).toBe("alice");
    advance(1);
    beat();
    expect(cache.lookup("s1", "u1")).toBeUndefined();
  });

  it("holds at most maxEntries, dropping the least recently used", () => {
    const { cache, beat } = setup();
    beat();
    for (const id of ["s1", "s2", "s3"]) cache.store(cache.ticket(), id, "u1", id, 60_000);
    expect(cache.lookup("s1", "u1")).toBe("s1");
    cache.store(cache.ticket(), "s4", "u1", "s4", 60_000);
    expect(cache.size).toBe(3);
    expect(cache.lookup("s2", "u1")).toBeUndefined();
    expect(cache.lookup("s1", "u1")).toBe("s1");
    expect(cache.lookup("s4", "u1")).toBe("s4");
  });
});
