/**
 * The data-access layer's gate (docs/security.md): the one place that decides whether a
 * request is signed in. Middleware only makes an optimistic check; every route
 * handler, server action and server component that touches protected data
 * calls `verifySession` here, which checks the token *and* that its session is
 * still live in the database (not revoked, not past its absolute end, not idle
 * too long: lib/auth/sessions/lifetime.ts), and reads the user's role fresh
 * from there, in one query, which also reads, when the token names an
 * organization, the session's membership and role there (never the token's
 * `org_role`). That answer is reused for a short while from the
 * session cache (lib/auth/sessions/cache.ts), which PostgreSQL's notices empty
 * of every session that ends or switches organization and every user that
 * changes or whose memberships change, on every instance.
 */
import "server-only";
import { cache } from "react";
import { forbidden, redirect } from "next/navigation";
import { headers } from "next/headers";
import type { AccessClaims } from "@/lib/edge/tokens";
import { CookieConflictError } from "@/lib/edge/cookies";
import { verifyRequestToken } from "@/lib/edge/request-token";
import { recordCookieConflict } from "@/lib/auth/sessions/cookies";
import { liveSessionUser } from "@/lib/auth/sessions/list";
import { sessionCache, type CachedSession } from "@/lib/auth/sessions/process-cache";
import type { ActiveOrganization } from "@/lib/orgs/active";
import { organizationForMember, type MemberOrganization } from "@/lib/orgs/organizations";
import { publicUser, type AdminViewer, type PublicUser } from "@/lib/users/access";
import { ApiError } from "@/lib/errors";
import { loginRedirectPath } from "@/lib/edge/paths";

export interface VerifiedSession {
  user: PublicUser;
  claims: AccessClaims;
  sessionId: string;
  /** The organization the session works in, with the user's role there, as the database has it; null for none. */
  org: ActiveOrganization | null;
}

export type { ActiveOrganization };

type TokenCheck = { ok: true; claims: AccessClaims } | { ok: false; error: unknown };

/** This request's token, checked once per request whoever asks first: the site header or the gate. */
const requestToken = cache(async (): Promise<TokenCheck> => {
  try {
    return { ok: true, claims: await verifyRequestToken(await headers()) };
  } catch (error) {
    return { ok: false, error };
  }
});

/** The verified claims of this request's token, or an ApiError (401 codes). Memoised per request. */
const verifiedClaims = cache(async (): Promise<AccessClaims> => {
  const checked = await requestToken();
  if (checked.ok) return checked.claims;
  if (checked.error instanceof CookieConflictError) await recordCookieConflict();
  throw checked.error;
});

/**
 * Who the site header shows as signed in: this request's token checked as the
 * middleware checks it (signature, key, issuer, audience, expiry, shape) and
 * no further, so that a public page runs no query for it; null for a token
 * that is missing, expired, forged or sent twice. Whether its session is still
 * live is verifySession's to say, on the pages that show the account's data.
 */
export const optionalTokenClaims = cache(async (): Promise<AccessClaims | null> => {
  const checked = await requestToken();
  if (checked.ok) return checked.claims;
  if (checked.error instanceof ApiError) return null;
  throw checked.error;
});

/**
 * The user of a live session and the organization it works in: from the
 * session cache when it may answer, else from the database, whose answer the
 * cache keeps while the session is sure to stay live (a notice can still end
 * it sooner). The membership is asked about only when the token claims an
 * organization, in the same statement as the session, so a session working in
 * one costs one query, as a session working in none does.
 */
async function liveSession(claims: AccessClaims): Promise<CachedSession | null> {
  const session = { id: claims.sid, userId: claims.sub };
  const orgClaim = claims.org ?? null;
  const cache = sessionCache();
  const cached = cache?.lookup(session.id, session.userId);
  if (cached && cached.orgClaim === orgClaim) return cached;
  const ticket = cache?.ticket();
  const live = await liveSessionUser(session, { orgClaim, ...(cache ? { horizon: new Date(Date.now() + cache.maxEntryMs) } : {}) });
  if (!live) return null;
  const answer: CachedSession = { user: live.user, org: live.org, orgClaim };
  if (cache && ticket && live.liveAtHorizon) cache.store(ticket, session.id, session.userId, answer, cache.maxEntryMs);
  return answer;
}

/** The signed-in session of this request, or an ApiError (401 codes). Memoised per request. */
export const verifySession = cache(async (): Promise<VerifiedSession> => {
  const claims = await verifiedClaims();
  // The same rule as the sessions list: a session the user sees is one that lets them in, and no other.
  const live = await liveSession(claims);
  if (!live) throw new ApiError("token_revoked");
  return { user: publicUser(live.user), claims, sessionId: claims.sid, org: live.org };
});

/**
 * Organization `id` as the signed-in caller, a member of it, sees it, with
 * their role read from the database. Anyone else gets 404, the same as for an
 * organization that does not exist, so that ids cannot be probed.
 */
export async function requireMembership(id: string): Promise<{ session: VerifiedSession; organization: MemberOrganization }> {
  const session = await verifySession();
  const organization = await organizationForMember({ id }, session.user.id);
  if (!organization) throw new ApiError("not_found", "No such organization.");
  return { session, organization };
}

function isSignedOut(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** For pages that show different things to guests: null instead of an error when not signed in. */
export const optionalSession = cache(async (): Promise<VerifiedSession | null> => {
  try {
    return await verifySession();
  } catch (error) {
    if (isSignedOut(error)) return null;
    throw error;
  }
});

/** A session whose user is an ADMIN according to the database. */
export type AdminSession = VerifiedSession & { user: PublicUser & { role: "ADMIN" } };

function isAdmin(session: VerifiedSession): session is AdminSession {
  return session.user.role === "ADMIN";
}

/** ADMIN actions: the role comes from the database, so a demoted admin loses rights at once. */
export async function requireAdmin(): Promise<AdminSession> {
  const session = await verifySession();
  if (!isAdmin(session)) throw new ApiError("forbidden");
  return session;
}

/** For protected pages: the session, or a redirect to sign in and come back to `path`. */
export async function requirePageSession(path: string): Promise<VerifiedSession> {
  const session = await optionalSession();
  if (!session) redirect(loginRedirectPath(path, ""));
  return session;
}

/** For ADMIN pages: a non-admin gets the 403 page (app/forbidden.tsx). */
export async function requireAdminPage(path: string): Promise<AdminSession> {
  const session = await requirePageSession(path);
  if (!isAdmin(session)) forbidden();
  return session;
}

/** Who a page's data is read for: the user, session and organization the verified token names. */
export interface PageReader {
  userId: string;
  sessionId: string;
  /** The token's `org` claim: until the check has passed, only what the token says, and so only a guess. */
  orgClaim: string | null;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Starts `work` at once; its outcome waits, so a failure is neither lost nor unhandled while the gate decides. */
function start<T>(work: () => Promise<T>): Promise<Settled<T>> {
  return Promise.resolve()
    .then(work)
    .then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
}

function outcome<T>(settled: Settled<T>): T {
  if (!settled.ok) throw settled.error;
  return settled.value;
}

/** The verified token of a page request, or a redirect to sign in and come back to `path`. */
async function pageClaims(path: string): Promise<AccessClaims> {
  try {
    return await verifiedClaims();
  } catch (error) {
    if (isSignedOut(error)) redirect(loginRedirectPath(path, ""));
    throw error;
  }
}

/**
 * For protected pages: the session and the page's data, read side by side.
 * `load` starts as soon as the token's signature checks out, while the
 * database checks the session, so the page waits for one round trip instead
 * of two in a row; what `load` read is handed over only once that check has
 * passed, and dropped unseen otherwise (reads only: `load` must change
 * nothing). A revoked session's token costs a few reads and shows nothing.
 */
export async function requirePageSessionWith<T>(path: string, load: (reader: PageReader) => Promise<T>): Promise<VerifiedSession & { data: T }> {
  const claims = await pageClaims(path);
  const data = start(() => load({ userId: claims.sub, sessionId: claims.sid, orgClaim: claims.org ?? null }));
  const session = await requirePageSession(path);
  return { ...session, data: outcome(await data) };
}

/**
 * `requirePageSessionWith` for ADMIN pages: `load` reads as the admin the
 * token names, and its result counts only once the database has confirmed
 * that this user is an ADMIN. A token that says USER gets no early reads (its
 * user is almost certainly refused); should the database say ADMIN after all
 * (promoted since the token was issued), `load` runs after the check.
 */
export async function requireAdminPageWith<T>(path: string, load: (admin: AdminViewer) => Promise<T>): Promise<AdminSession & { data: T }> {
  const claims = await pageClaims(path);
  const admin: AdminViewer = { id: claims.sub, role: "ADMIN" };
  const early = claims.role === "ADMIN" ? start(() => load(admin)) : null;
  const session = await requireAdminPage(path);
  return { ...session, data: outcome(await (early ?? start(() => load(admin)))) };
}
