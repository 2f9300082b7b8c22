/**
 * Using a passkey, for one of three purposes: signing in without a password,
 * the second step of a password sign-in, and re-authenticating before a
 * sensitive change. Every ceremony's challenge is a ceremony row
 * (lib/auth/sign-in/ceremonies.ts), taken once whatever the answer, so an
 * assertion cannot be replayed. User verification is required throughout
 * (one rule, and a passkey alone then proves two factors); the signature
 * counter must rise unless the authenticator keeps none.
 */
import "server-only";
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/errors";
import type { PasskeyCeremony } from "@/lib/edge/cookies";
import type { AuthMethod } from "@/lib/edge/tokens";
import { beginCeremony, hasCeremonyCookie, takeCeremony, type Ceremony } from "@/lib/auth/sign-in/ceremonies";
import type { SessionUser } from "@/lib/auth/sessions/start";
import { credentialsOf, hasPasskeys } from "@/lib/auth/passkeys/manage";
import { recordingFailures, rejected } from "@/lib/auth/passkeys/refusals";
import { relyingParty } from "@/lib/auth/passkeys/relying-party";
import type { ClientInfo } from "@/lib/request/client-info";
import { PASSKEY_PURPOSES, type passkeyAuthenticationSchema } from "@/lib/schemas";

export type PasskeyPurpose = (typeof PASSKEY_PURPOSES)[number];
export type AuthenticationInput = z.output<typeof passkeyAuthenticationSchema>;

/** The ceremony (its challenge row and cookie) of a purpose: the purpose's own name, as a passkey's. */
function ceremonyOf(purpose: PasskeyPurpose): PasskeyCeremony {
  return `passkey-${purpose}`;
}

/** A hardware-bound passkey is a hardware key (`hwk`); a synced one, a software key (`swk`), as RFC 8176 names them. */
export function passkeyMethod(deviceType: string): AuthMethod {
  return deviceType === "singleDevice" ? "hwk" : "swk";
}

/** What an authentication ceremony is started with. */
export interface AuthenticationStart {
  purpose: PasskeyPurpose;
  /** The user who must answer (second factor, re-authentication); none for a passwordless sign-in. */
  userId?: string;
  /** The session being re-authenticated. */
  sessionId?: string;
}

/**
 * The options for using a passkey. A sign-in and the second step of one list
 * no credentials: the authenticator offers its discoverable ones (every
 * passkey is registered as one), the browser's autofill included, so someone
 * who has only the password learns none of the account's credential IDs.
 * Re-authentication lists the signed-in user's own.
 */
export async function authenticationOptions({ purpose, userId, sessionId }: AuthenticationStart): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const party = await relyingParty();
  if (userId && !(await hasPasskeys(userId))) throw new ApiError("passkey_rejected", "This account has no passkey.");
  const allowCredentials = purpose === "reauth" && userId ? await credentialsOf(userId) : undefined;
  const options = await generateAuthenticationOptions({
    rpID: party.rpId,
    userVerification: "required",
    ...(allowCredentials ? { allowCredentials } : {}),
  });
  await beginCeremony(ceremonyOf(purpose), { challenge: options.challenge, ...(userId ? { userId } : {}), ...(sessionId ? { sessionId } : {}) });
  return options;
}

/** A passkey assertion that checked out: whose key, which ceremony, and the factor it proves. */
export interface VerifiedAssertion {
  purpose: PasskeyPurpose;
  ceremony: Ceremony;
  user: SessionUser;
  method: AuthMethod;
}

/**
 * The purpose an answer without one finishes: the one passkey ceremony this
 * browser has a cookie for. With none it is a sign-in (which then finds no
 * ceremony); with several the client must say which.
 */
async function purposeInProgress(): Promise<PasskeyPurpose> {
  const present: PasskeyPurpose[] = [];
  for (const purpose of PASSKEY_PURPOSES) if (await hasCeremonyCookie(ceremonyOf(purpose))) present.push(purpose);
  if (present.length > 1) {
    throw new ApiError("validation_error", "Say which passkey ceremony this answers.", { fields: { purpose: "Required: sign-in, second-factor or reauth." } });
  }
  return present[0] ?? "sign-in";
}

/**
 * Checks an assertion against this browser's passkey ceremony of `purpose`:
 * the challenge (once only), the credential and whose it is, origin, RP ID,
 * signature, user verification and the signature counter. The counter moves
 * on in the same step, so of two assertions with one counter value only one
 * counts.
 */
export async function verifyAssertion(input: AuthenticationInput, client: ClientInfo): Promise<VerifiedAssertion> {
  const { response } = input;
  const purpose = input.purpose ?? (await purposeInProgress());
  // Taken before anything is recorded: an answer to no ceremony of ours is junk, not an attempt on the key's owner.
  const ceremony = await takeCeremony(ceremonyOf(purpose));
  const passkey = await db.passkey.findUnique({ where: { id: response.id }, include: { user: { select: { id: true, username: true, role: true } } } });
  return recordingFailures(client, { userId: passkey?.userId, username: passkey?.user.username }, async () => {
    if (!ceremony.challenge || !passkey) rejected();
    if (ceremony.userId && ceremony.userId !== passkey.userId) rejected();
    // A discoverable credential (sign-in and its second step) names its user: it must be the key's owner.
    if (purpose !== "reauth" && decodedUserHandle(response.response.userHandle) !== passkey.userId) rejected();
    const party = await relyingParty();
    const verification = await verifyAuthenticationResponse({
      // The shape was checked at the edge (lib/schemas.ts); the library checks the rest.
      response: response as AuthenticationResponseJSON,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: party.origin,
      expectedRPID: party.rpId,
      credential: { id: passkey.id, publicKey: new Uint8Array(passkey.publicKey), counter: Number(passkey.counter), transports: passkey.transports },
      requireUserVerification: true,
    }).catch(rejected);
    if (!verification.verified) rejected();
    const { newCounter, credentialBackedUp } = verification.authenticationInfo;
    const { count } = await db.passkey.updateMany({
      where: { id: passkey.id, counter: passkey.counter },
      data: { counter: BigInt(newCounter), lastUsedAt: new Date(), backedUp: credentialBackedUp },
    });
    if (count !== 1) rejected();
    return { purpose, ceremony, user: passkey.user, method: passkeyMethod(passkey.deviceType) };
  });
}

function decodedUserHandle(handle: string | undefined): string | null {
  return handle ? Buffer.from(handle, "base64url").toString("utf8") : null;
}
