/**
 * Opaque tokens: refresh tokens (docs/sessions.md#refresh-and-rotation), device
 * cookies and the cookies of sign-in steps in progress. 256 random bits, opaque
 * to everyone, stored only as a SHA-256 hash, so a database leak yields no
 * usable token. A hash needs no salt or slow KDF here: the input is random,
 * not a guessable password.
 */
import "server-only";
import { createHash, randomBytes } from "node:crypto";

export function generateOpaqueToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashOpaqueToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Shape check before any database lookup: 32 bytes in base64url are 43 characters. */
export function isWellFormedOpaqueToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
