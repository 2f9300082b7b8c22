/**
 * Human-readable token details for the pages: `iat`/`exp` as dates, the time
 * left, and how the user signed in. Pure, so it is unit-tested without a browser.
 */
import type { AccessClaims, AuthMethod } from "@/lib/edge/tokens";
import { formatDateTime } from "@/lib/format";

export interface ClaimSummary {
  sub: string;
  username: string;
  role: string;
  issuedAt: string;
  expiresAt: string;
  timeLeft: string;
  /** The `amr` claim as sent, e.g. "pwd otp mfa". */
  amr: string;
  /** The same in words, e.g. "password + authenticator code (two factors)". */
  signedInWith: string;
  /** `auth_time`: when the user last proved who they are. */
  authTime: string;
  /** `org_slug` and `org_role`, e.g. "menlo-park (OWNER)"; null when the token names no organization. */
  organization: string | null;
}

const METHOD_NAMES: Record<Exclude<AuthMethod, "mfa">, string> = {
  pwd: "password",
  otp: "one-time code",
  hwk: "passkey (on this device)",
  swk: "passkey (synced)",
  fed: "identity provider",
  email: "sign-in link by email",
};

/** `amr` in words: the methods, and whether they make more than one factor. */
export function describeMethods(amr: readonly AuthMethod[]): string {
  const names = amr.filter((method): method is Exclude<AuthMethod, "mfa"> => method !== "mfa").map((method) => METHOD_NAMES[method]);
  return `${names.join(" + ") || "unknown"}${amr.includes("mfa") ? " (two factors)" : ""}`;
}

export function formatInstant(seconds: number): string {
  return formatDateTime(new Date(seconds * 1000));
}

export function formatTimeLeft(seconds: number): string {
  if (seconds <= 0) return "expired";
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return [hours ? `${hours} h` : "", minutes ? `${minutes} min` : "", rest || (!hours && !minutes) ? `${rest} s` : ""]
    .filter(Boolean)
    .join(" ");
}

export function summarizeClaims(claims: AccessClaims, now = Date.now()): ClaimSummary {
  return {
    sub: claims.sub,
    username: claims.username,
    role: claims.role,
    issuedAt: formatInstant(claims.iat),
    expiresAt: formatInstant(claims.exp),
    timeLeft: formatTimeLeft(claims.exp - Math.floor(now / 1000)),
    amr: claims.amr.join(" "),
    signedInWith: describeMethods(claims.amr),
    authTime: formatInstant(claims.auth_time),
    organization: claims.org ? `${claims.org_slug} (${claims.org_role})` : null,
  };
}
