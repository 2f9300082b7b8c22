/**
 * Passkeys for the route handlers: who may start which ceremony, and what a
 * checked passkey opens (a session, the rest of a pending sign-in, or a
 * re-authentication). The WebAuthn checks themselves: lib/auth/passkeys/authenticate.ts.
 */
import "server-only";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { verifySession } from "@/lib/auth/dal";
import { confirmReauth, requireRecentAuth } from "@/lib/auth/step-up";
import { completeSignIn, pendingSignIn, startCookieSession } from "@/lib/use-cases/sign-in";
import { authenticationOptions, verifyAssertion, type PasskeyPurpose } from "@/lib/auth/passkeys/authenticate";
import { listPasskeys, removePasskey, renamePasskey, type PasskeyView } from "@/lib/auth/passkeys/manage";
import { registerPasskey, registrationOptions } from "@/lib/auth/passkeys/register";
import { guardPasskeyCalls } from "@/lib/auth/sign-in/limits";
import type { StartedSession } from "@/lib/auth/sessions/start";
import { setSessionCookies } from "@/lib/auth/sessions/cookies";
import { requestDeviceToken, trustedDevice } from "@/lib/auth/sign-in/trusted-devices";
import { ApiError } from "@/lib/errors";
import type { ClientInfo } from "@/lib/request/client-info";
import { validate } from "@/lib/request/validate";
import { sendNotice } from "@/lib/mail/notices";
import { passkeyAuthenticationSchema, passkeyIdSchema, passkeyOptionsSchema, passkeyRegistrationSchema, renamePasskeySchema } from "@/lib/schemas";

export async function myPasskeys(): Promise<PasskeyView[]> {
  const { user } = await verifySession();
  return listPasskeys(user.id);
}

/** Adding a passkey is a sensitive change: it needs a recent sign-in or re-authentication. */
export async function startPasskeyRegistration(): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return registrationOptions(await requireRecentAuth());
}

/** The owner is told by mail (if their address is confirmed): a passkey added by someone else would sign in without the password. */
export async function finishPasskeyRegistration(input: unknown, client: ClientInfo): Promise<PasskeyView> {
  const session = await verifySession();
  const passkey = await registerPasskey(session, validate(passkeyRegistrationSchema, input), client);
  sendNotice(session.user.id, { kind: "passkey_added", passkeyName: passkey.name });
  return passkey;
}

/**
 * `{purpose}`: a second factor needs this browser's pending sign-in, a
 * re-authentication a signed-in user. Every call counts against the client's
 * address (429 past RATE_LIMIT_PER_IP in the window): it answers anyone and stores a challenge.
 */
export async function startPasskeyAuthentication(input: unknown, client: ClientInfo): Promise<PublicKeyCredentialRequestOptionsJSON> {
  await guardPasskeyCalls(client);
  const { purpose } = validate(passkeyOptionsSchema, input);
  if (purpose === "second-factor") return authenticationOptions({ purpose, userId: (await pendingSignIn()).user.id });
  if (purpose === "reauth") {
    const session = await verifySession();
    return authenticationOptions({ purpose, userId: session.user.id, sessionId: session.sessionId });
  }
  return authenticationOptions({ purpose });
}

/** What a checked passkey did: opened a session (sign-in, second factor) or re-authenticated this one. */
export type PasskeyOutcome = { purpose: Exclude<PasskeyPurpose, "reauth">; started: StartedSession } | { purpose: "reauth" };

/**
 * Checks `{response, purpose?}` against this browser's passkey ceremony of
 * that purpose and completes it. A passkey proves possession and, with user
 * verification, a second factor: a sign-in with it alone is `[hwk|swk, mfa]`.
 * Counts against the client's address as the options do.
 */
export async function finishPasskeyAuthentication(input: unknown, client: ClientInfo): Promise<PasskeyOutcome> {
  await guardPasskeyCalls(client);
  const assertion = await verifyAssertion(validate(passkeyAuthenticationSchema, input), client);
  const { purpose, user, method, ceremony } = assertion;
  if (purpose === "reauth") {
    const session = await verifySession();
    if (session.sessionId !== ceremony.sessionId || session.user.id !== user.id) throw new ApiError("passkey_rejected");
    await confirmReauth(session, [method, "mfa"], client);
    return { purpose };
  }
  let started: StartedSession;
  if (purpose === "second-factor") {
    const pending = await pendingSignIn();
    if (pending.user.id !== user.id) throw new ApiError("passkey_rejected");
    started = await completeSignIn(pending, [method], client);
  } else {
    const device = await trustedDevice(await requestDeviceToken(), user.username);
    started = await startCookieSession(user, client, "login_success", device, { amr: [method, "mfa"] });
  }
  await setSessionCookies(started);
  return { purpose, started };
}

export async function renameMyPasskey(params: unknown, input: unknown): Promise<void> {
  const { user } = await verifySession();
  const { id } = validate(passkeyIdSchema, params);
  const { name } = validate(renamePasskeySchema, input);
  await renamePasskey(user.id, id, name);
}

/** Removing a passkey is a sensitive change, as adding one is. */
export async function removeMyPasskey(params: unknown, client: ClientInfo): Promise<void> {
  const { user } = await requireRecentAuth();
  const { id } = validate(passkeyIdSchema, params);
  await removePasskey(user, id, client);
}
