/**
 * Step-up before a sensitive change: the check that the session proved who
 * its user is recently (`requireRecentAuth`), and re-authentication, by which
 * the signed-in user proves it again: the session row's `authTime` and `amr`
 * move on to this proof, and a fresh access token carries them to the pages.
 *
 * What counts: a passkey (lib/auth/passkeys/authenticate.ts) for anyone; otherwise the
 * strongest factor the account has. With TOTP on, a code or backup code, not
 * the password, so a stolen password and a stolen session together still
 * cannot turn the second factor off. An account without a password signs in
 * at its provider again.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/errors";
import type { AuthMethod } from "@/lib/edge/tokens";
import { verifySession, type VerifiedSession } from "@/lib/auth/dal";
import { config } from "@/lib/config";
import { sessionAuthTime } from "@/lib/auth/sessions/list";
import { commitAuthChange, recordAuthEvent } from "@/lib/auth/changes";
import { checkPasswordWithinLimits } from "@/lib/auth/sign-in/credentials";
import { checkSecondFactor, hasSecondFactor, type SecondFactorInput } from "@/lib/auth/second-factor/check";
import { issueAccessToken, type SessionProof, type SessionUser } from "@/lib/auth/sessions/start";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import type { ClientInfo } from "@/lib/request/client-info";

/**
 * Sensitive changes (a password, passkeys, turning TOTP off, roles, deleting a
 * user) need a sign-in or re-authentication within STEP_UP_MAX_AGE, or
 * `reauth_required` (403): pages send the user to /reauth and back. The time
 * is the session row's, never the token's alone: a re-authentication moves it
 * on at once, and a token cannot claim a fresher one than the database holds.
 */
export async function requireRecentAuth(session?: VerifiedSession, now = Date.now()): Promise<VerifiedSession> {
  const verified = session ?? (await verifySession());
  await assertRecentAuth(verified.sessionId, now);
  return verified;
}

/** `requireRecentAuth` for a session already verified, known by its id. */
export async function assertRecentAuth(sessionId: string, now = Date.now()): Promise<void> {
  const authTime = await sessionAuthTime(sessionId);
  if (!authTime || now - authTime.getTime() > config().stepUpMaxAge * 1000) throw new ApiError("reauth_required");
}

export interface ReauthInput extends SecondFactorInput {
  password?: string | undefined;
}

/** Records that the user of `session` just proved who they are with `amr`, and sets a fresh access token. */
export async function confirmReauth(session: Pick<VerifiedSession, "sessionId"> & { user: SessionUser }, amr: AuthMethod[], client: ClientInfo): Promise<void> {
  const proof: SessionProof = { id: session.sessionId, amr, authTime: new Date() };
  await commitAuthChange(async (tx, change) => {
    const { count } = await tx.session.updateMany({ where: { id: proof.id, revokedAt: null }, data: { authTime: proof.authTime, amr: proof.amr } });
    if (count !== 1) throw new ApiError("token_revoked");
    await change.record({ type: "reauth", username: session.user.username, userId: session.user.id, client });
    change.forget({ sessions: [proof.id] });
  });
  await setSessionCookies({ token: await issueAccessToken(session.user, proof) });
}

/**
 * What a re-authentication of this user must include: a code when TOTP is on,
 * else the password; an account without one (made by a provider) goes
 * through its provider again (lib/use-cases/federated-sign-in.ts).
 */
export async function reauthFactor(userId: string): Promise<"code" | "password" | "provider"> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { totpEnabledAt: true, passwordHash: true } });
  if (user?.totpEnabledAt) return "code";
  return user && user.passwordHash === null ? "provider" : "password";
}

/** Re-authenticates the user of `session` with their password or, with TOTP on, a code or backup code. */
export async function reauthenticate(session: VerifiedSession, input: ReauthInput, client: ClientInfo): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: session.user.id }, select: { id: true, username: true, passwordHash: true, totpEnabledAt: true } });
  const failed = async (code: "invalid_credentials" | "invalid_code", field: string, message: string): Promise<never> => {
    await recordAuthEvent({ type: "reauth_failure", username: user.username, userId: user.id, client });
    throw new ApiError(code, message, { fields: { [field]: message } });
  };
  if (user.totpEnabledAt) {
    if (!hasSecondFactor(input)) return failed("invalid_code", "code", "Enter the code from your authenticator app or a backup code.");
    // A wrong code is `invalid_code` and an `mfa_failure` event, as at sign-in.
    return confirmReauth(session, await checkSecondFactor(user, input, client, null), client);
  }
  if (!input.password) return failed("invalid_credentials", "password", "Enter your password.");
  const { valid } = await checkPasswordWithinLimits(user.username, input.password, user.passwordHash, client);
  if (!valid) return failed("invalid_credentials", "password", "That password is not right.");
  return confirmReauth(session, ["pwd"], client);
}
