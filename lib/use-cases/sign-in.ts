/**
 * Signing in with a password, the one way for every door: the JSON API, the
 * HTML form post, the sign-in page's server action, the seeds'
 * `/api/users/authenticate`, and Bearer tokens for API clients. Each adapter
 * parses its request and maps the result; the checks live here.
 */
import "server-only";
import { completeSignIn, openSession, pendingSignIn } from "@/lib/auth/sign-in/credentials";
import { checkSecondFactor } from "@/lib/auth/second-factor/check";
import type { StartedSession } from "@/lib/auth/sessions/start";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import type { IssuedToken } from "@/lib/edge/tokens";
import type { ClientInfo } from "@/lib/http/client-info";
import { validate } from "@/lib/http/validate";
import { credentialsSchema, secondFactorSchema, uidCredentialsSchema } from "@/lib/schemas";

/** The seeds' `{uid, password}` is the same sign-in under other names. */
export type CredentialsShape = "username" | "uid";

/**
 * Checks `{username, password}` (or `{uid, password}`), opens a session and
 * sets its cookies. For a user with TOTP on, `code` or `backupCode` completes
 * it in the same request; without one it is `mfa_required`, with a pending
 * sign-in for `completeSignInWithCode`.
 */
export async function signIn(input: unknown, client: ClientInfo, shape: CredentialsShape = "username"): Promise<StartedSession> {
  const credentials = validate(shape === "uid" ? uidCredentialsSchema : credentialsSchema, input);
  const started = await openSession(credentials, client, "login_success");
  await setSessionCookies(started);
  return started;
}

/** Completes this browser's pending sign-in with `{code}` or `{backupCode}` and sets the session cookies. */
export async function completeSignInWithCode(input: unknown, client: ClientInfo): Promise<StartedSession> {
  const factor = validate(secondFactorSchema, input);
  const pending = await pendingSignIn();
  const methods = await checkSecondFactor(pending.user, factor, client, pending.device);
  const started = await completeSignIn(pending, methods, client);
  await setSessionCookies(started);
  return started;
}

/** Checks `{username, password}` (and `code` for a user with TOTP on) and issues a Bearer token for an API client: a session of its own, no cookie. */
export async function issueBearerToken(input: unknown, client: ClientInfo): Promise<IssuedToken> {
  const { token } = await openSession(validate(credentialsSchema, input), client, "token_issued");
  return token;
}
