/**
 * Who is who (docs/federation.md): how an identity a provider vouches for maps
 * to a local account. Pure decisions, so unit tests cover every case without
 * a server; the use case (lib/use-cases/federated-sign-in.ts) reads the rows
 * they need and acts on the answer.
 *
 * An identity is its issuer and subject, never its email address. A known one
 * signs in its user, whatever its email is now. An unknown one:
 * - whose verified email a local account has confirmed is linked to that
 *   account only when the provider is trusted for email; otherwise the user is
 *   told that the account exists, and connects the provider from its
 *   dashboard after signing in to it. Linking by an address the provider never
 *   verified would hand the account to whoever typed it (the nOAuth attack).
 * - otherwise gets an account of its own: the email confirmed only when the
 *   provider verified it, else kept as an unconfirmed claim (as registration
 *   keeps one), which never links and never tells whether another account uses
 *   that address.
 */
import type { Identity } from "@/lib/auth/federation/protocol";

export type Resolution =
  | { kind: "known"; userId: string }
  | { kind: "link"; userId: string }
  | { kind: "create"; emailConfirmed: boolean }
  | { kind: "refuse"; code: "account_exists" };

export interface LocalFacts {
  /** The user this identity is connected to, if any. */
  connectedUserId: string | null;
  /** The account that has confirmed the identity's email address, if any. */
  confirmedOwnerId: string | null;
}

export function resolveIdentity(identity: Pick<Identity, "email" | "emailVerified">, trustEmail: boolean, facts: LocalFacts): Resolution {
  if (facts.connectedUserId) return { kind: "known", userId: facts.connectedUserId };
  const verified = Boolean(identity.email) && identity.emailVerified;
  if (verified && facts.confirmedOwnerId) {
    return trustEmail ? { kind: "link", userId: facts.confirmedOwnerId } : { kind: "refuse", code: "account_exists" };
  }
  return { kind: "create", emailConfirmed: verified };
}

const USERNAME_MAX = 64;

/**
 * The username a new account starts from: `preferred_username`, else the
 * email's local part, else `user`; lower-case, only `[a-z0-9_.-]`, 2–64
 * characters (the registration rule).
 */
export function baseUsername(identity: Pick<Identity, "preferredUsername" | "email">): string {
  const clean = (text: string | null) =>
    (text ?? "")
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9_.-]+/g, "")
      .replace(/^[._-]+|[._-]+$/g, "")
      .slice(0, USERNAME_MAX - 6);
  const fromName = clean(identity.preferredUsername);
  if (fromName.length >= 2) return fromName;
  const fromEmail = clean(identity.email?.split("@")[0] ?? null);
  return fromEmail.length >= 2 ? fromEmail : "user";
}

/** `base`, or `base-2`, `base-3`… : the first that `taken` does not hold. Past 50 of them, a random suffix. */
export function freeUsername(base: string, taken: ReadonlySet<string>, random = () => Math.random().toString(36).slice(2, 7)): string {
  if (!taken.has(base)) return base;
  for (let n = 2; n <= 50; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
  return `${base}-${random()}`;
}

/** A display name within the registration rule (2–100 printable characters, one line), else the username. */
export function displayName(name: string | null, username: string): string {
  const cleaned = (name ?? "")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 100)
    .trim();
  return cleaned.length >= 2 ? cleaned : username;
}
