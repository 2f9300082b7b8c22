/**
 * Access tokens (docs/tokens-and-cookies.md): sign and verify JWS with jose. Edge-safe, so the
 * middleware and the server share exactly one verification routine.
 *
 * Verification trusts nothing the token says about itself: the algorithm is
 * pinned, the key is chosen by `kid` from our own key set only, and headers
 * that point at other keys (`jwk`, `jku`, `x5u`, `x5c`) are refused outright.
 */
import { errors, jwtVerify, SignJWT, decodeProtectedHeader, type JWTHeaderParameters } from "jose";
import { z } from "zod";
import type { KeySet, VerificationKey } from "@/lib/edge/keys";
import { ORG_SLUG_PATTERN, orgRoleSchema, type OrgRole } from "@/lib/edge/org-claims";

export const ACCESS_TOKEN_TYPE = "at+jwt";
/** Cookies are capped at 4096 bytes; a bigger token is an attack or a bug. */
export const MAX_TOKEN_BYTES = 4096;
const CLOCK_SKEW_SECONDS = 5;
const FOREIGN_KEY_HEADERS = ["jwk", "jku", "x5u", "x5c"] as const;

export const roleSchema = z.enum(["USER", "ADMIN"]);
export type Role = z.infer<typeof roleSchema>;

/**
 * How the user proved who they are, as RFC 8176 names it: `pwd` a password,
 * `otp` a one-time code (TOTP or a backup code), `hwk` a hardware-bound
 * passkey, `swk` a synced one, `fed` a sign-in through an outside identity
 * provider (OpenID Connect, Google, GitHub), `mfa` more than one factor (a
 * passkey with user verification counts as two: the device and its PIN or
 * biometric). `email` is not in RFC 8176: a sign-in link mailed to the
 * account's confirmed address, which proves the mailbox (the link's holder),
 * not a password. New ways in add their own value here.
 */
export const AMR_VALUES = ["pwd", "otp", "hwk", "swk", "fed", "mfa", "email"] as const;
export const amrSchema = z.array(z.enum(AMR_VALUES)).min(1).max(AMR_VALUES.length);
export type AuthMethod = (typeof AMR_VALUES)[number];

/**
 * The exact shape of our claims. A token signed with our key is still checked:
 * a key leak, a bug or an old format must not put a non-UUID `sid` in front of
 * the database (a 500 instead of a 401) or a surprising `username` on a page.
 */
export const accessClaimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.uuid(),
  username: z.string().regex(/^[a-z0-9_.-]{2,64}$/),
  role: roleSchema,
  sid: z.uuid(),
  amr: amrSchema,
  auth_time: z.number().int(),
  /**
   * The session's active organization when the token was issued, its slug and
   * the user's role there: for showing, never for deciding (the data-access
   * layer reads the membership from the database). All three or none.
   */
  org: z.uuid().optional(),
  org_slug: z.string().max(48).regex(ORG_SLUG_PATTERN).optional(),
  org_role: orgRoleSchema.optional(),
  jti: z.string().min(1).max(64),
  iat: z.number().int(),
  exp: z.number().int(),
}).refine(
  (claims) => [claims.org_slug, claims.org_role].every((part) => (part === undefined) === (claims.org === undefined)),
  "org, org_slug and org_role come together",
);
export type AccessClaims = z.infer<typeof accessClaimsSchema>;

export interface TokenSubject {
  userId: string;
  username: string;
  role: Role;
  sessionId: string;
  amr: AuthMethod[];
  /** When the user last proved who they are in this session. */
  authTime: Date;
  /** The session's active organization, if any. */
  org?: TokenOrganization | null;
}

/** An organization as a token names it. */
export interface TokenOrganization {
  id: string;
  slug: string;
  role: OrgRole;
}

export interface TokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
  claims: AccessClaims;
}

export async function signAccessToken(
  subject: TokenSubject,
  keys: KeySet,
  settings: TokenSettings,
  now = new Date(),
): Promise<IssuedToken> {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: AccessClaims = {
    iss: settings.issuer,
    aud: settings.audience,
    sub: subject.userId,
    username: subject.username,
    role: subject.role,
    sid: subject.sessionId,
    amr: subject.amr,
    auth_time: Math.floor(subject.authTime.getTime() / 1000),
    ...(subject.org ? { org: subject.org.id, org_slug: subject.org.slug, org_role: subject.org.role } : {}),
    jti: crypto.randomUUID(),
    iat,
    exp: iat + settings.ttlSeconds,
  };
  const { current } = keys;
  const organization = claims.org ? { org: claims.org, org_slug: claims.org_slug, org_role: claims.org_role } : {};
  const token = await new SignJWT({ username: claims.username, role: claims.role, sid: claims.sid, amr: claims.amr, auth_time: claims.auth_time, ...organization })
    .setProtectedHeader({ alg: current.alg, typ: ACCESS_TOKEN_TYPE, kid: current.kid })
    .setIssuer(claims.iss)
    .setAudience(settings.audience)
    .setSubject(claims.sub)
    .setJti(claims.jti)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(current.key);
  return { token, expiresAt: new Date(claims.exp * 1000), claims };
}

/** Why a token was refused; the codes are the API's error codes (docs/api.md). */
export class TokenError extends Error {
  override name = "TokenError";
  constructor(
    readonly code: "token_expired" | "invalid_token",
    message: string,
  ) {
    super(message);
  }
}

function invalid(reason: string): TokenError {
  return new TokenError("invalid_token", reason);
}

/**
 * The key that may verify a token with this header, or a TokenError. Decided
 * before any cryptography: no header that points at a foreign key, a `kid`
 * from our own set, and exactly the algorithm that key was configured with.
 */
export function verificationKeyFor(header: JWTHeaderParameters, keys: KeySet): VerificationKey {
  for (const name of FOREIGN_KEY_HEADERS) {
    if (name in header) throw invalid(`header "${name}" is not accepted`);
  }
  const entry = typeof header.kid === "string" ? keys.byKid.get(header.kid) : undefined;
  if (!entry) throw invalid("unknown kid");
  // Only the algorithm this kid was issued with; never the header's choice.
  if (header.alg !== entry.alg) throw invalid("algorithm does not match the key");
  return entry;
}

/**
 * Verifies an access token and returns its claims, or throws a TokenError:
 * `token_expired` only for an otherwise valid token past `exp`.
 */
export async function verifyAccessToken(
  token: string,
  keys: KeySet,
  settings: Omit<TokenSettings, "ttlSeconds">,
  now = new Date(),
): Promise<AccessClaims> {
  if (new TextEncoder().encode(token).length > MAX_TOKEN_BYTES) throw invalid("token too large");
  let header: JWTHeaderParameters;
  try {
    header = decodeProtectedHeader(token) as JWTHeaderParameters;
  } catch {
    throw invalid("malformed token");
  }
  const entry = verificationKeyFor(header, keys);
  try {
    const { payload } = await jwtVerify(token, entry.key, {
      algorithms: [entry.alg],
      issuer: settings.issuer,
      audience: settings.audience,
      typ: ACCESS_TOKEN_TYPE,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp", "iat", "sub", "jti"],
      currentDate: now,
    });
    const claims = accessClaimsSchema.safeParse(payload);
    if (!claims.success) throw invalid("claims do not match the access token shape");
    // jose accepts an `iat` in the future; a token from the future is forged or from a broken clock.
    if (claims.data.iat > now.getTime() / 1000 + CLOCK_SKEW_SECONDS) throw invalid("token issued in the future");
    return claims.data;
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new TokenError("token_expired", "token has expired");
    throw invalid(error instanceof errors.JOSEError ? error.code : "verification failed");
  }
}
