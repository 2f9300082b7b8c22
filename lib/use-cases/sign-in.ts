/**
 * Signing in with a password, the one way for every door: the JSON API, the
 * HTML form post, the sign-in page's server action, the seeds'
 * `/api/users/authenticate`, and Bearer tokens for API clients. Each adapter
 * parses its request and maps the result; the checks live here. Opening a
 * cookie session and completing a pending sign-in are shared with the
 * passkey sign-in (./passkeys.ts) and registration (./register.ts).
 */
import "server-only";
import { db } from "@/lib/db/client";
import { checkCredentials, type Credentials } from "@/lib/auth/sign-in/credentials";
import { currentCeremony, endCeremony, type Ceremony } from "@/lib/auth/sign-in/ceremonies";
import { clearPasswordChecks } from "@/lib/auth/sign-in/limits";
import { rememberDevice, requestDeviceToken, trustedDevice, type TrustedDevice } from "@/lib/auth/sign-in/trusted-devices";
import { checkSecondFactor, hasSecondFactor, requireSecondFactor, type SecondFactorInput } from "@/lib/auth/second-factor/check";
import { startSession, type SessionUser, type StartOptions, type StartedSession } from "@/lib/auth/sessions/start";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import { ApiError } from "@/lib/errors";
import type { AuthMethod, IssuedToken } from "@/lib/edge/tokens";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
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

/**
 * A session for a client that keeps cookies: the browser is remembered as one
 * of the user's devices (renewed, if its device cookie was one), in the same
 * transaction, and the device cookie goes out with the session's. `writes`
 * and `events` commit with it (a sign-in link used up).
 */
export async function startCookieSession(
  user: SessionUser,
  client: ClientInfo,
  eventType: "login_success" | "register",
  known: TrustedDevice | null,
  { newUser, amr, writes = [], events = [] }: StartOptions = {},
): Promise<StartedSession> {
  const remembered = await rememberDevice(user.id, known, { newUser: Boolean(newUser) });
  const options = { ...(newUser ? { newUser } : {}), ...(amr ? { amr } : {}), writes: [...writes, ...remembered.writes], events };
  return { ...(await startSession(user, client, eventType, options)), device: remembered.device };
}

/**
 * Checks credentials and opens a new session for them. For a user with TOTP
 * on, the password is only the first step: with a `code` or `backupCode` in
 * the same request the session opens at once; without one, a cookie client
 * gets a pending sign-in (lib/auth/second-factor/check.ts) and `mfa_required`.
 */
export async function openSession(
  credentials: Credentials & SecondFactorInput,
  client: ClientInfo,
  eventType: "login_success" | "token_issued",
): Promise<StartedSession> {
  const { user, device, secondFactor } = await checkCredentials(credentials, client);
  let amr: AuthMethod[] = ["pwd"];
  if (secondFactor) {
    if (!hasSecondFactor(credentials)) {
      // A Bearer client keeps no cookies: it sends the code with the password instead.
      if (eventType === "token_issued") throw new ApiError("mfa_required");
      return requireSecondFactor(user);
    }
    amr = ["pwd", ...(await checkSecondFactor(user, credentials, client, device)), "mfa"];
  }
  // A Bearer token's client keeps no cookies, so there is no browser to remember.
  if (eventType === "token_issued") return startSession(user, client, eventType, { amr });
  return startCookieSession(user, client, eventType, device, { amr });
}

/** This browser's sign-in that waits for its second factor: the ceremony, its user and the browser's device. */
export interface PendingSignIn {
  ceremony: Ceremony;
  user: SessionUser;
  device: TrustedDevice | null;
}

/** The pending sign-in this request's cookie names, or `invalid_challenge` (none, expired or completed). */
export async function pendingSignIn(): Promise<PendingSignIn> {
  const ceremony = await currentCeremony("second-factor");
  const user = ceremony?.userId
    ? await db.user.findUnique({ where: { id: ceremony.userId }, select: { id: true, username: true, role: true } })
    : null;
  if (!ceremony || !user) throw new ApiError("invalid_challenge");
  return { ceremony, user, device: await trustedDevice(await requestDeviceToken(), user.username) };
}

/**
 * Completes a pending sign-in whose second factor (`methods`) has been
 * checked: the ceremony ends, exactly once, and the session opens with every
 * method proved on the way.
 */
export async function completeSignIn(pending: PendingSignIn, methods: AuthMethod[], client: ClientInfo): Promise<StartedSession> {
  if (!(await endCeremony(pending.ceremony))) throw new ApiError("invalid_challenge");
  // The password's check stayed counted until the second factor; a passkey clears it as a right code does.
  await clearPasswordChecks(pending.user.username, pending.device?.id ?? null);
  const amr = [...new Set<AuthMethod>([...pending.ceremony.amr, ...methods, "mfa"])];
  return startCookieSession(pending.user, client, "login_success", pending.device, { amr });
}
