/**
 * Access tokens that passed verification, remembered for the rest of their
 * life, so that a process checks a token's signature once and not on every
 * request. Edge-safe: the middleware keeps one in its sandbox, the server
 * process another (lib/edge/request-token.ts).
 *
 * - Keyed by the token's SHA-256, never the token itself: what sits in memory
 *   (a heap snapshot, a debugger) is no credential anyone can replay. The hash
 *   is computed synchronously in plain JavaScript (`@noble/hashes`, which runs
 *   on both runtimes): WebCrypto's `digest` is asynchronous and, in Node, costs
 *   about as much as the signature check the cache saves, whereas a hit should
 *   cost little more than hashing the token once.
 * - Only what `verifyAccessToken` accepted goes in. A refusal is never
 *   remembered, so a forged token pays for its own check every time and can
 *   neither fill the cache nor evict the tokens of real users wholesale.
 * - An entry lasts until the token's `exp`, and at most `maxEntrySeconds`.
 *   Every hit looks at the clock again; a token at its `exp` goes back through
 *   the full check, which answers exactly as it would without a cache
 *   (`token_expired` once the clock tolerance has passed).
 * - At most `maxEntries`; the least recently used goes first.
 * - Emptied when the key set, the issuer or the audience changes: a token is
 *   good only against the keys and settings that accepted it.
 *
 * Whether the token's session is still live is no property of the token and
 * is not cached here: that is the data-access layer's question, answered by
 * the database or by its session cache (lib/auth/sessions/cache.ts).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { base64url } from "jose";
import type { KeySet } from "@/lib/edge/keys";
import { MAX_TOKEN_BYTES, verifyAccessToken, type AccessClaims, type TokenSettings } from "@/lib/edge/tokens";

export type VerifySettings = Omit<TokenSettings, "ttlSeconds">;

export interface TokenCacheLimits {
  maxEntries: number;
  maxEntrySeconds: number;
}

/**
 * 10,000 entries of a few hundred bytes each stay within a few MiB; 15 minutes
 * is the default access-token lifetime, so a longer-lived token is checked
 * afresh at that pace.
 */
export const DEFAULT_TOKEN_CACHE_LIMITS: TokenCacheLimits = { maxEntries: 10_000, maxEntrySeconds: 15 * 60 };

interface Entry {
  claims: AccessClaims;
  /** Milliseconds: valid from when it was verified (a clock set back goes through the full check) … */
  from: number;
  /** … until the token's `exp` or the cache's bound, whichever comes first. */
  until: number;
}

const utf8 = new TextEncoder();

function digest(token: string): string {
  return base64url.encode(sha256(utf8.encode(token)));
}

export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #limits: TokenCacheLimits;
  #keys: KeySet | undefined;
  #issuer: string | undefined;
  #audience: string | undefined;

  constructor(limits: TokenCacheLimits = DEFAULT_TOKEN_CACHE_LIMITS) {
    this.#limits = limits;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** `verifyAccessToken`, answered from memory when this token was accepted before with these keys and settings. */
  verify(token: string, keys: KeySet, settings: VerifySettings, now = new Date()): Promise<AccessClaims> {
    // Too big to be one of ours: refused by the full check, without hashing it first.
    if (token.length > MAX_TOKEN_BYTES) return verifyAccessToken(token, keys, settings, now);
    const id = digest(token);
    this.#serve(keys, settings);
    const hit = this.#take(id, now.getTime());
    // A hit is answered at once: nothing to wait for.
    return hit ? Promise.resolve(hit) : this.#verifyAndKeep(id, token, keys, settings, now);
  }

  async #verifyAndKeep(id: string, token: string, keys: KeySet, settings: VerifySettings, now: Date): Promise<AccessClaims> {
    const claims = await verifyAccessToken(token, keys, settings, now);
    // The key set may have changed while this token was being verified; then it belongs to the old one.
    if (this.#serves(keys, settings)) this.#put(id, claims, now.getTime());
    return claims;
  }

  #serves(keys: KeySet, settings: VerifySettings): boolean {
    return this.#keys === keys && this.#issuer === settings.issuer && this.#audience === settings.audience;
  }

  /** Starts afresh when asked about other keys or settings than the ones the entries were verified with. */
  #serve(keys: KeySet, settings: VerifySettings): void {
    if (this.#serves(keys, settings)) return;
    this.#entries.clear();
    this.#keys = keys;
    this.#issuer = settings.issuer;
    this.#audience = settings.audience;
  }

  #take(id: string, now: number): AccessClaims | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    this.#entries.delete(id);
    if (now < entry.from || now >= entry.until) return undefined;
    // Re-inserted last: a Map iterates in insertion order, so the first entry is the least recently used.
    this.#entries.set(id, entry);
    return entry.claims;
  }

  #put(id: string, claims: AccessClaims, now: number): void {
    const until = Math.min(claims.exp * 1000, now + this.#limits.maxEntrySeconds * 1000);
    if (until <= now) return;
    this.#entries.delete(id);
    while (this.#entries.size >= this.#limits.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    // Frozen: every later request of this token shares the object.
    this.#entries.set(id, { claims: Object.freeze(claims), from: now, until });
  }
}
