/**
 * Human-readable token details for the pages: `iat`/`exp` as dates and the
 * time left. Pure, so it is unit-tested without a browser.
 */
import type { AccessClaims } from "@/lib/edge/tokens";
import { formatDateTime } from "@/lib/format";

export interface ClaimSummary {
  sub: string;
  username: string;
  role: string;
  issuedAt: string;
  expiresAt: string;
  timeLeft: string;
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
  };
}
