/**
 * Starting a session: one database row per sign-in, an access token bound to
 * it by `sid`, and a refresh token whose hash lives on the row. The cookies
 * that carry them are ./cookies.ts's job.
 */
import "server-only";
import { db } from "@/lib/db/client";
import { config } from "@/lib/config";
import type { IssuedDevice } from "@/lib/auth/sign-in/trusted-devices";
import type { Prisma } from "@/lib/db/generated/client";
import { keySet } from "@/lib/edge/keys";
import { AMR_VALUES, signAccessToken, type AuthMethod, type IssuedToken, type Role, type TokenOrganization } from "@/lib/edge/tokens";
import { sessionOrganization } from "@/lib/orgs/active";
import type { AuthEventType } from "@/lib/auth/audit-events";
import { commitAuthWrites, type AuthEventInput } from "@/lib/auth/changes";
import { generateOpaqueToken, hashOpaqueToken } from "@/lib/auth/opaque-token";
import { publicUser, publicUserSelect, type PublicUser } from "@/lib/users/access";
import type { ClientInfo } from "@/lib/request/client-info";

export interface SessionUser {
  id: string;
  username: string;
  role: Role;
}

/** A session as its access tokens name it: its row, and how and when the user proved who they are. */
export interface SessionProof {
  id: string;
  amr: AuthMethod[];
  authTime: Date;
}

/** The columns of a Session row that make its proof. */
export const sessionProofSelect = { id: true, amr: true, authTime: true } as const;

/** Authentication method names as stored: the database holds only values this code wrote; anything else is dropped. */
export function authMethods(values: readonly string[]): AuthMethod[] {
  return values.filter((value): value is AuthMethod => (AMR_VALUES as readonly string[]).includes(value));
}

/** A Session row's proof. */
export function sessionProof(row: { id: string; amr: string[]; authTime: Date }): SessionProof {
  const amr = authMethods(row.amr);
  return { id: row.id, amr: amr.length > 0 ? amr : ["pwd"], authTime: row.authTime };
}

/** The proof of session `sessionId` as the database has it now (a re-authentication moves it on). */
export async function currentProof(sessionId: string): Promise<SessionProof> {
  return sessionProof(await db.session.findUniqueOrThrow({ where: { id: sessionId }, select: sessionProofSelect }));
}

/**
 * An access token for `session`, naming the organization it works in: `org`
 * when the caller knows it (none for a session just started), else as the
 * database has it now, so that no refresh or new token can carry a membership
 * that has ended.
 */
export async function issueAccessToken(user: SessionUser, session: SessionProof, org?: TokenOrganization | null): Promise<IssuedToken> {
  const { issuer, audience, accessTokenTtl } = config().jwt;
  const [keys, organization] = await Promise.all([keySet(), org === undefined ? sessionOrganization({ id: session.id, userId: user.id }) : org]);
  return signAccessToken(
    {
      userId: user.id,
      username: user.username,
      role: user.role,
      sessionId: session.id,
      amr: session.amr,
      authTime: session.authTime,
      org: organization && { id: organization.id, slug: organization.slug, role: organization.role },
    },
    keys,
    { issuer, audience, ttlSeconds: accessTokenTtl },
  );
}

export interface IssuedRefreshToken {
  token: string;
  /** Seconds the cookie lives: the refresh lifetime, cut to the session's absolute end. */
  maxAge: number;
}

/** A fresh refresh token and its hash; the token goes to the client, only the hash to the database. */
export function newRefreshToken(sessionExpiresAt: Date, now = Date.now()): IssuedRefreshToken & { hash: string } {
  const token = generateOpaqueToken();
  const untilSessionEnd = Math.floor((sessionExpiresAt.getTime() - now) / 1000);
  return { token, hash: hashOpaqueToken(token), maxAge: Math.max(0, Math.min(config().refreshTokenTtl, untilSessionEnd)) };
}

export interface StartedSession {
  user: PublicUser;
  token: IssuedToken;
  /** Absent for Bearer-only sessions (POST /api/auth/token), which have no cookie to carry one. */
  refresh?: IssuedRefreshToken;
  /** The device cookie (lib/auth/sign-in/trusted-devices.ts); absent where no cookie is set. */
  device?: IssuedDevice;
}

export interface NewUserRow {
  id: string;
  username: string;
  name: string;
  dob: Date | null;
  /** Null for an account made by a provider: it signs in through it (or a passkey) until a password is set. */
  passwordHash: string | null;
  email?: string | null;
  /** Set when the address comes confirmed (a provider verified it). */
  emailVerifiedAt?: Date | null;
}

export interface StartOptions {
  newUser?: NewUserRow;
  /**
   * Further writes that belong to this sign-in (remembering the browser as a
   * device, using up a sign-in link): committed with it or not at all.
   */
  writes?: Prisma.PrismaPromise<unknown>[];
  /** Further audit events of those writes, recorded with the sign-in's own. */
  events?: AuthEventInput[];
  /** How the user proved who they are; a password by default. */
  amr?: AuthMethod[];
}

/**
 * A new session row, its audit event and fresh tokens; never reuses an earlier
 * session (no fixation). With `newUser`, the account is created in the same
 * transaction, so no user ever exists without the event that made it.
 *
 * A cookie session lasts at most SESSION_MAX_AGE. A Bearer session
 * (`token_issued`) gets no refresh token, so it ends exactly when its one
 * access token expires: the token is signed first, for the row to take its expiry.
 */
export async function startSession(
  user: SessionUser,
  client: ClientInfo,
  eventType: Extract<AuthEventType, "login_success" | "register" | "token_issued">,
  { newUser, writes = [], events = [], amr = ["pwd"] }: StartOptions = {},
): Promise<StartedSession> {
  const proof: SessionProof = { id: crypto.randomUUID(), amr, authTime: new Date() };
  const token = await issueAccessToken(user, proof, null);
  const bearer = eventType === "token_issued";
  const expiresAt = bearer ? token.expiresAt : new Date(Date.now() + config().sessionMaxAge * 1000);
  const refresh = bearer ? undefined : newRefreshToken(expiresAt);
  const event = { type: eventType, username: user.username, userId: user.id, client };
  const owner = newUser ? { create: newUser } : { connect: { id: user.id } };
  const [session] = await commitAuthWrites(
    [
      db.session.create({
        data: {
          id: proof.id,
          user: owner,
          expiresAt,
          refreshTokenHash: refresh?.hash ?? null,
          ip: client.ip,
          userAgent: client.userAgent,
          amr: proof.amr,
          authTime: proof.authTime,
        },
        select: { user: { select: publicUserSelect } },
      }),
      ...writes,
    ],
    { events: [...events, event] },
  );
  return { user: publicUser(session.user), token, ...(refresh ? { refresh: { token: refresh.token, maxAge: refresh.maxAge } } : {}) };
}
