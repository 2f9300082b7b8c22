/**
 * Exchanging a refresh token (docs/sessions.md#refresh-and-rotation): rotate it, issue a new access token,
 * and treat an already-rotated token as theft. Server-only.
 *
 * Two tabs share one cookie jar, so they can present the same refresh token at
 * the same moment. The first rotates it; the second, arriving within a short
 * grace window, gets a new access token but no new refresh token (the jar
 * already holds the winner's), instead of being mistaken for a thief.
 */
import "server-only";
import { config } from "@/lib/config";
import { commitAuthChange } from "@/lib/auth/changes";
import { hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";
import { issueAccessToken, newRefreshToken, sessionProof, type SessionProof, type StartedSession } from "@/lib/auth/sessions/start";
import { publicUser, publicUserSelect, type PublicUserRow } from "@/lib/users/access";
import { sessionEndReason, type SessionTimes } from "@/lib/auth/sessions/lifetime";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";

/** How long a just-rotated refresh token still counts as a concurrent request rather than a replay. */
export const ROTATION_GRACE_MS = 10_000;

const sessionSelect = {
  id: true,
  amr: true,
  authTime: true,
  refreshTokenHash: true,
  revokedAt: true,
  expiresAt: true,
  lastUsedAt: true,
  user: { select: publicUserSelect },
} as const;

/** Why a session can no longer be refreshed, if it cannot (the rule itself is in lib/auth/sessions/lifetime.ts). */
function deadReason(session: SessionTimes, now: Date): "token_revoked" | "token_expired" | null {
  const reason = sessionEndReason(session, now, config().refreshTokenTtl);
  if (reason === null) return null;
  return reason === "revoked" ? "token_revoked" : "token_expired";
}

type Outcome =
  | { kind: "rotated"; user: PublicUserRow; session: SessionProof; refresh: ReturnType<typeof newRefreshToken> }
  | { kind: "grace"; user: PublicUserRow; session: SessionProof }
  | { kind: "reuse" }
  | { kind: "refused"; code: "token_revoked" | "token_expired" | "invalid_token" };

async function exchange(hash: string, client: ClientInfo, now: Date): Promise<Outcome> {
  return commitAuthChange(async (tx, change) => {
    const current = await tx.session.findUnique({ where: { refreshTokenHash: hash }, select: sessionSelect });
    if (current) {
      const dead = deadReason(current, now);
      if (dead) return { kind: "refused", code: dead };
      const refresh = newRefreshToken(current.expiresAt, now.getTime());
      // Conditional on the old hash: of two concurrent exchanges, exactly one updates the row.
      const { count } = await tx.session.updateMany({
        where: { id: current.id, refreshTokenHash: hash, revokedAt: null },
        data: { refreshTokenHash: refresh.hash, lastUsedAt: now },
      });
      if (count === 1) {
        await tx.rotatedRefreshToken.create({ data: { hash, sessionId: current.id, rotatedAt: now } });
        await change.record({ type: "refresh", username: current.user.username, userId: current.user.id, client });
        return { kind: "rotated", user: current.user, session: sessionProof(current), refresh };
      }
    }

    const rotated = await tx.rotatedRefreshToken.findUnique({
      where: { hash },
      select: { rotatedAt: true, session: { select: { ...sessionSelect, rotatedTokens: { orderBy: { rotatedAt: "desc" }, take: 1, select: { hash: true } } } } },
    });
    if (!rotated) return { kind: "refused", code: "invalid_token" };
    const { session } = rotated;
    const latest = session.rotatedTokens[0]?.hash === hash;
    if (latest && now.getTime() - rotated.rotatedAt.getTime() <= ROTATION_GRACE_MS && !deadReason(session, now)) {
      return { kind: "grace", user: session.user, session: sessionProof(session) };
    }
    // A rotated token came back: whoever holds it copied it. End the session for everyone.
    await tx.session.updateMany({ where: { id: session.id, revokedAt: null }, data: { revokedAt: now } });
    await change.record({ type: "refresh_reuse", username: session.user.username, userId: session.user.id, client });
    change.forget({ sessions: [session.id] });
    return { kind: "reuse" };
  });
}

/**
 * Exchanges a refresh token for a new access token (and, unless it lost a
 * concurrent race, a new refresh token). Throws the API's 401 codes.
 */
export async function refreshSession(token: string | undefined, client: ClientInfo, now = new Date()): Promise<StartedSession> {
  if (!token) throw new ApiError("token_missing");
  if (!isWellFormedOpaqueToken(token)) throw new ApiError("invalid_token");
  const outcome = await exchange(hashOpaqueToken(token), client, now);
  switch (outcome.kind) {
    case "refused":
      throw new ApiError(outcome.code);
    case "reuse":
      throw new ApiError("token_revoked", "This refresh token was already used; the session has been ended.");
    case "grace":
      return { user: publicUser(outcome.user), token: await issueAccessToken(outcome.user, outcome.session) };
    case "rotated":
      return {
        user: publicUser(outcome.user),
        token: await issueAccessToken(outcome.user, outcome.session),
        refresh: { token: outcome.refresh.token, maxAge: outcome.refresh.maxAge },
      };
  }
}
