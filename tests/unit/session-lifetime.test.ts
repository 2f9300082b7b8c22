import { describe, expect, it } from "vitest";
import { sessionEndReason, sessionEndsAt, sessionKind, type SessionTimes } from "@/lib/auth/sessions/lifetime";

const IDLE = 7 * 86_400;
const now = new Date("2026-12-01T12:00:00Z");
const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000);

function cookieSession(times: Partial<SessionTimes> = {}): SessionTimes {
  return { refreshTokenHash: "a".repeat(64), revokedAt: null, expiresAt: at(86_400), lastUsedAt: at(-60), ...times };
}

describe("when a session ends", () => {
  it("is live until revoked, past its absolute end, or idle", () => {
    expect(sessionEndReason(cookieSession(), now, IDLE)).toBeNull();
    expect(sessionEndReason(cookieSession({ revokedAt: at(-1) }), now, IDLE)).toBe("revoked");
    expect(sessionEndReason(cookieSession({ expiresAt: now }), now, IDLE)).toBe("expired");
    expect(sessionEndReason(cookieSession({ lastUsedAt: at(-IDLE) }), now, IDLE)).toBe("idle");
    expect(sessionEndReason(cookieSession({ lastUsedAt: at(-IDLE + 1) }), now, IDLE)).toBeNull();
  });

  it("lets a Bearer session (no refresh token) live exactly until its token's expiry, never idle", () => {
    const bearer = cookieSession({ refreshTokenHash: null, lastUsedAt: at(-IDLE - 60), expiresAt: at(900) });
    expect(sessionKind(bearer)).toBe("bearer");
    expect(sessionEndReason(bearer, now, IDLE)).toBeNull();
    expect(sessionEndsAt(bearer, IDLE)).toEqual(at(900));
  });

  it("says a cookie session ends at its idle end or absolute end, whichever is sooner", () => {
    expect(sessionKind(cookieSession())).toBe("cookie");
    expect(sessionEndsAt(cookieSession({ expiresAt: at(30 * 86_400) }), IDLE)).toEqual(at(IDLE - 60));
    expect(sessionEndsAt(cookieSession({ expiresAt: at(3600) }), IDLE)).toEqual(at(3600));
  });
});
