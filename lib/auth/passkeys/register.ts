/**
 * Registering a passkey. The challenge is a ceremony row
 * (lib/auth/sign-in/ceremonies.ts), taken once whatever the answer, and bound
 * to the session that asked for it. User verification is required, as it is
 * for every use of a passkey (./authenticate.ts).
 */
import "server-only";
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import type { VerifiedSession } from "@/lib/auth/dal";
import { commitAuthChange } from "@/lib/auth/changes";
import { beginCeremony, takeCeremony } from "@/lib/auth/sign-in/ceremonies";
import { describeDevice } from "@/lib/auth/sessions/device-name";
import { credentialsOf, passkeyView, type PasskeyView } from "@/lib/auth/passkeys/manage";
import { recordingFailures, rejected } from "@/lib/auth/passkeys/refusals";
import { relyingParty, RP_NAME } from "@/lib/auth/passkeys/relying-party";
import type { ClientInfo } from "@/lib/request/client-info";
import type { passkeyRegistrationSchema } from "@/lib/schemas";

export type RegistrationInput = z.output<typeof passkeyRegistrationSchema>;

/** The WebAuthn user handle: the user's id, so a discoverable credential names its owner. */
function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(userId);
}

/** The options for adding a passkey to `session`'s user; the caller has checked for a recent sign-in. */
export async function registrationOptions(session: VerifiedSession): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const party = await relyingParty();
  const user = await db.user.findUniqueOrThrow({ where: { id: session.user.id }, select: { id: true, username: true, name: true } });
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: party.rpId,
    userName: user.username,
    userID: userHandle(user.id),
    userDisplayName: user.name,
    attestationType: "none",
    // The same passkey twice would only clutter the list; the browser refuses it up front.
    excludeCredentials: await credentialsOf(user.id),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  await beginCeremony("passkey-register", { challenge: options.challenge, userId: user.id, sessionId: session.sessionId });
  return options;
}

/**
 * Checks the browser's answer to `registrationOptions` and stores the new
 * passkey. The challenge must be this session's own: a registration started
 * in one session cannot be finished in another.
 */
export async function registerPasskey(session: VerifiedSession, input: RegistrationInput, client: ClientInfo): Promise<PasskeyView> {
  return recordingFailures(client, { userId: session.user.id, username: session.user.username }, async () => {
    const ceremony = await takeCeremony("passkey-register");
    if (ceremony.userId !== session.user.id || ceremony.sessionId !== session.sessionId || !ceremony.challenge) rejected();
    const party = await relyingParty();
    const verification = await verifyRegistrationResponse({
      // The shape was checked at the edge (lib/schemas.ts); the library checks the rest.
      response: input.response as RegistrationResponseJSON,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: party.origin,
      expectedRPID: party.rpId,
      requireUserVerification: true,
    }).catch(rejected);
    if (!verification.verified) rejected();
    const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
    const count = await db.passkey.count({ where: { userId: session.user.id } });
    try {
      const row = await commitAuthChange(async (tx, change) => {
        const created = await tx.passkey.create({
          data: {
            id: credential.id,
            userId: session.user.id,
            name: input.name ?? `Passkey ${count + 1} (${describeDevice(client.userAgent)})`,
            publicKey: credential.publicKey,
            counter: BigInt(credential.counter),
            transports: credential.transports ?? [],
            deviceType: credentialDeviceType,
            backedUp: credentialBackedUp,
          },
        });
        await change.record({ type: "passkey_added", userId: session.user.id, username: session.user.username, client });
        return created;
      });
      return passkeyView(row);
    } catch (error) {
      // A credential ID already stored (another account's, or this one's): never moved or doubled.
      if (isUniqueViolation(error)) rejected();
      throw error;
    }
  });
}
