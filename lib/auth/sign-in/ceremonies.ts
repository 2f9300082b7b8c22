/**
 * Sign-in steps in progress ("ceremonies", as WebAuthn calls them): a WebAuthn
 * challenge waiting for the authenticator's answer, or a password accepted
 * that waits for its second factor. Each is an AuthChallenge row known by the
 * random token of an httpOnly cookie (only the token's hash is stored), bound
 * to its purpose, its user and session where it has them, and gone after 5
 * minutes. Every purpose has a cookie of its own, so a browser can run one
 * ceremony of each at once: starting one replaces only an earlier one of the
 * same purpose. A WebAuthn challenge is taken exactly once, whether the answer
 * checks out or not; a pending sign-in stays while wrong codes are tried
 * (each counts against the sign-in limits) and ends with the right one.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/errors";
import type { PasskeyCeremony } from "@/lib/edge/cookies";
import type { AuthMethod } from "@/lib/edge/tokens";
import { generateOpaqueToken, hashOpaqueToken, isWellFormedOpaqueToken } from "@/lib/auth/opaque-token";
import { requestCookie, setCookie } from "@/lib/auth/sessions/cookies";
import { authMethods } from "@/lib/auth/sessions/start";

/** How long a ceremony may take, from its start. */
export const CEREMONY_TTL_SECONDS = 5 * 60;

export type CeremonyPurpose = PasskeyCeremony | "second-factor";

/** Which cookie carries a ceremony: one per purpose, so a pending sign-in and a passkey challenge for it run side by side. */
function cookieFor(purpose: CeremonyPurpose): "pending" | PasskeyCeremony {
  return purpose === "second-factor" ? "pending" : purpose;
}

export interface Ceremony {
  id: string;
  purpose: CeremonyPurpose;
  /** The WebAuthn challenge, base64url (the passkey purposes). */
  challenge: string | null;
  userId: string | null;
  sessionId: string | null;
  /** Factors already proved (`pwd` for a sign-in waiting for its second factor). */
  amr: AuthMethod[];
  expiresAt: Date;
}

export interface CeremonyStart {
  challenge?: string;
  userId?: string;
  sessionId?: string;
  amr?: AuthMethod[];
}

/**
 * Starts a ceremony: stores it and sets its cookie, replacing any earlier one
 * of the same purpose (which is then orphaned, and expires unused).
 */
export async function beginCeremony(purpose: CeremonyPurpose, start: CeremonyStart = {}, now = new Date()): Promise<Ceremony> {
  const token = generateOpaqueToken();
  const row = await db.authChallenge.create({
    data: {
      tokenHash: hashOpaqueToken(token),
      purpose,
      challenge: start.challenge ?? null,
      userId: start.userId ?? null,
      sessionId: start.sessionId ?? null,
      amr: start.amr ?? [],
      expiresAt: new Date(now.getTime() + CEREMONY_TTL_SECONDS * 1000),
    },
    select: ceremonySelect,
  });
  await setCookie(cookieFor(purpose), token, CEREMONY_TTL_SECONDS);
  return toCeremony(row);
}

const ceremonySelect = { id: true, purpose: true, challenge: true, userId: true, sessionId: true, amr: true, expiresAt: true } as const;

function toCeremony(row: { id: string; purpose: string; challenge: string | null; userId: string | null; sessionId: string | null; amr: string[]; expiresAt: Date }): Ceremony {
  return { ...row, purpose: row.purpose as CeremonyPurpose, amr: authMethods(row.amr) };
}

async function findCeremony(purpose: CeremonyPurpose, now: Date) {
  const cookie = await requestCookie(cookieFor(purpose));
  if (!cookie || !isWellFormedOpaqueToken(cookie)) return null;
  const row = await db.authChallenge.findUnique({ where: { tokenHash: hashOpaqueToken(cookie) }, select: ceremonySelect });
  if (!row || row.purpose !== purpose || row.expiresAt <= now) return null;
  return row;
}

/** Whether this request carries a cookie for a ceremony of `purpose` (which may yet be unknown, used or expired). */
export async function hasCeremonyCookie(purpose: CeremonyPurpose): Promise<boolean> {
  return Boolean(await requestCookie(cookieFor(purpose)));
}

/**
 * This request's ceremony of `purpose`, without ending it (a pending sign-in,
 * while codes are tried), or null when there is none, it expired or it has
 * ended.
 */
export async function currentCeremony(purpose: CeremonyPurpose, now = new Date()): Promise<Ceremony | null> {
  const row = await findCeremony(purpose, now);
  return row && toCeremony(row);
}

/**
 * Takes this request's ceremony of `purpose`, once: of two requests that
 * present the same cookie, exactly one gets it. Anything else (no cookie, an
 * unknown, used or expired one) is `invalid_challenge`. The cookie is cleared
 * either way.
 */
export async function takeCeremony(purpose: CeremonyPurpose, now = new Date()): Promise<Ceremony> {
  const row = await findCeremony(purpose, now);
  await setCookie(cookieFor(purpose), "", 0);
  if (!row) throw new ApiError("invalid_challenge");
  const { count } = await db.authChallenge.deleteMany({ where: { id: row.id } });
  if (count !== 1) throw new ApiError("invalid_challenge");
  return toCeremony(row);
}

/** Ends a ceremony that was only looked at (a pending sign-in, once completed); clears its cookie. Idempotent. */
export async function endCeremony(ceremony: Pick<Ceremony, "id" | "purpose">): Promise<boolean> {
  await setCookie(cookieFor(ceremony.purpose), "", 0);
  const { count } = await db.authChallenge.deleteMany({ where: { id: ceremony.id } });
  return count === 1;
}
