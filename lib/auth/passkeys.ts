/**
 * Passkeys (WebAuthn): registering one, and the three ways to use one:
 * signing in without a password, as the second step of a password sign-in,
 * and re-authenticating before a sensitive change. Every ceremony's challenge
 * is a ceremony row (lib/auth/ceremonies.ts), taken once whatever the answer,
 * so an assertion cannot be replayed. User verification is required
 * throughout (one rule, and a passkey alone then proves two factors); the
 * signature counter must rise unless the authenticator keeps none.
 * Every refusal is `passkey_rejected` or `invalid_challenge`, and a
 * `passkey_failure` event once a ceremony of this browser's was found: an
 * answer to no ceremony (none, unknown, used or expired) records nothing, so
 * junk naming someone's credential ID cannot fill their account's events.
 */
import "server-only";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { ApiError } from "@/lib/edge/errors";
import type { AuthMethod } from "@/lib/edge/tokens";
import type { VerifiedSession } from "@/lib/auth/dal";
import { recordAuthEvent } from "@/lib/auth/audit-events";
import { beginCeremony, hasCeremonyCookie, takeCeremony, type Ceremony, type WebAuthnPurpose } from "@/lib/auth/ceremonies";
import { describeDevice } from "@/lib/auth/device-name";
import type { SessionUser } from "@/lib/auth/session";
import { relyingParty, RP_NAME } from "@/lib/auth/webauthn-party";
import type { ClientInfo } from "@/lib/http/client-info";
import { PASSKEY_PURPOSES, type passkeyAuthenticationSchema, type passkeyRegistrationSchema } from "@/lib/schemas";

export type PasskeyPurpose = (typeof PASSKEY_PURPOSES)[number];
export type RegistrationInput = z.output<typeof passkeyRegistrationSchema>;
export type AuthenticationInput = z.output<typeof passkeyAuthenticationSchema>;

const CEREMONY_OF: Record<PasskeyPurpose, WebAuthnPurpose> = {
  "sign-in": "passkey-sign-in",
  "second-factor": "passkey-second-factor",
  reauth: "passkey-reauth",
};

/** A passkey as its owner sees it in the list. */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: string;
  backedUp: boolean;
}

/** A hardware-bound passkey is a hardware key (`hwk`); a synced one, a software key (`swk`), as RFC 8176 names them. */
export function passkeyMethod(deviceType: string): AuthMethod {
  return deviceType === "singleDevice" ? "hwk" : "swk";
}

/** The WebAuthn user handle: the user's id, so a discoverable credential names its owner. */
function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(userId);
}

async function credentialsOf(userId: string) {
  const rows = await db.passkey.findMany({ where: { userId }, select: { id: true, transports: true }, orderBy: { createdAt: "asc" } });
  return rows.map(({ id, transports }) => ({ id, transports }));
}

/** Whom a failure is recorded against, when known. */
interface FailureSubject {
  userId?: string | null | undefined;
  username?: string | null | undefined;
}

/** Runs `work`; a refusal in it is recorded as a `passkey_failure` and passed on. */
async function recordingFailures<T>(client: ClientInfo, subject: FailureSubject, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && (error.code === "passkey_rejected" || error.code === "invalid_challenge")) {
      await recordAuthEvent({ type: "passkey_failure", userId: subject.userId ?? null, username: subject.username ?? null, client });
    }
    throw error;
  }
}

function rejected(): never {
  throw new ApiError("passkey_rejected");
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
      const row = await db.passkey.create({
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
      await recordAuthEvent({ type: "passkey_added", userId: session.user.id, username: session.user.username, client });
      return passkeyView(row);
    } catch (error) {
      // A credential ID already stored (another account's, or this one's): never moved or doubled.
      if (isUniqueViolation(error)) rejected();
      throw error;
    }
  });
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
  await beginCeremony(CEREMONY_OF[purpose], { challenge: options.challenge, ...(userId ? { userId } : {}), ...(sessionId ? { sessionId } : {}) });
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
  for (const purpose of PASSKEY_PURPOSES) if (await hasCeremonyCookie(CEREMONY_OF[purpose])) present.push(purpose);
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
  const ceremony = await takeCeremony(CEREMONY_OF[purpose]);
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

function passkeyView(row: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null; deviceType: string; backedUp: boolean }): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    deviceType: row.deviceType,
    backedUp: row.backedUp,
  };
}

/** The user's passkeys, oldest first. */
export async function listPasskeys(userId: string): Promise<PasskeyView[]> {
  const rows = await db.passkey.findMany({
    where: { userId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, name: true, createdAt: true, lastUsedAt: true, deviceType: true, backedUp: true },
  });
  return rows.map(passkeyView);
}

/** Whether the user has a passkey at all: the pages offer one only then. */
export async function hasPasskeys(userId: string): Promise<boolean> {
  return (await db.passkey.count({ where: { userId }, take: 1 })) > 0;
}

/** Renames one of the user's passkeys; another user's is "not found". */
export async function renamePasskey(userId: string, id: string, name: string): Promise<void> {
  const { count } = await db.passkey.updateMany({ where: { id, userId }, data: { name } });
  if (count !== 1) throw new ApiError("not_found", "No such passkey.");
}

/** Removes one of the user's passkeys; another user's is "not found". */
export async function removePasskey(user: SessionUser, id: string, client: ClientInfo): Promise<void> {
  const { count } = await db.passkey.deleteMany({ where: { id, userId: user.id } });
  if (count !== 1) throw new ApiError("not_found", "No such passkey.");
  await recordAuthEvent({ type: "passkey_removed", userId: user.id, username: user.username, client });
}
