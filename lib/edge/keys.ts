/**
 * The signing key set (docs/tokens-and-cookies.md): the current key signs, and only keys listed
 * here verify. Edge-safe; keys are imported once per process, never per request.
 */
import { base64url, calculateJwkThumbprint, exportJWK, importJWK, importPKCS8, type CryptoKey, type JWK } from "jose";
import { config, ConfigError, type Config } from "@/lib/config";
import type { PreviousKey } from "@/lib/key-format";

export type SigningAlgorithm = Config["jwt"]["alg"];

/** A public JWK as /.well-known/jwks.json publishes it: public members only, plus kid, alg and use. */
export interface PublicJwk extends JWK {
  kid: string;
  alg: SigningAlgorithm;
  use: "sig";
}

export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
  /** Asymmetric keys only: the public JWK that the JWKS endpoint publishes. */
  jwk?: PublicJwk;
}

/** The current key; for RS256, ES256 and EdDSA `key` is the private key, so it only signs. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

export interface KeySet {
  current: SigningKey;
  /** Keys accepted for verification, by kid: the current key's (public) key and JWT_PREVIOUS_KEYS. */
  byKid: ReadonlyMap<string, VerificationKey>;
}

/** What buildKeySet reads from `config().jwt`; previous keys may be left out. */
export type KeySettings = Partial<Config["jwt"]> & Pick<Config["jwt"], "alg">;

/** The members that define a public key (RFC 7638 §3.2); an allowlist, so a private member can never slip through. */
const PUBLIC_MEMBERS: Record<string, readonly (keyof JWK)[]> = { RSA: ["kty", "n", "e"], EC: ["kty", "crv", "x", "y"], OKP: ["kty", "crv", "x"] };

function publicMembers(jwk: JWK): JWK {
  const names = PUBLIC_MEMBERS[jwk.kty ?? ""] ?? [];
  return Object.fromEntries(names.filter((name) => jwk[name] !== undefined).map((name) => [name, jwk[name]]));
}

function keyError(message: string): ConfigError {
  return new ConfigError(`Tessera cannot start; fix these settings (see .env.example):\n  - ${message}`);
}

/** RFC 7638 thumbprint: a stable id derived from the key itself, so every instance agrees on it without coordination. */
function thumbprint(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, "sha256");
}

/** The oct JWK of an HMAC secret: its UTF-8 bytes, as tokens have always been signed with. */
export function secretJwk(secret: string): JWK {
  return { kty: "oct", k: base64url.encode(new TextEncoder().encode(secret)) };
}

async function importOct(jwk: JWK, alg: SigningAlgorithm): Promise<VerificationKey> {
  const kid = await thumbprint({ kty: "oct", k: jwk.k });
  // A non-extractable CryptoKey rather than raw bytes (which jose's importJWK returns for oct):
  // the secret cannot be read back out of it, and verification is a little faster.
  const bytes = new Uint8Array(base64url.decode(jwk.k ?? ""));
  const key = await crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  return { kid, alg, key };
}

async function importPublic(jwk: JWK, alg: SigningAlgorithm): Promise<VerificationKey> {
  const members = publicMembers(jwk);
  const kid = await thumbprint(members);
  const key = (await importJWK({ ...members, alg }, alg)) as CryptoKey;
  return { kid, alg, key, jwk: { ...members, kid, alg, use: "sig" } };
}

const MIN_RSA_BITS = 2048;

/** JWT_PRIVATE_KEY → the signing key, and its public half for verification and the JWKS. */
async function importPrivate(pem: string, alg: SigningAlgorithm): Promise<{ signing: SigningKey; verification: VerificationKey }> {
  const problem = `JWT_PRIVATE_KEY cannot be imported as an ${alg} key`;
  let signingKey: CryptoKey;
  let publicJwk: JWK;
  try {
    signingKey = await importPKCS8(pem, alg);
    // WebCrypto cannot derive a public key from a non-extractable private one, so an
    // extractable copy lives just long enough to export its public members.
    publicJwk = publicMembers(await exportJWK(await importPKCS8(pem, alg, { extractable: true })));
  } catch (error) {
    throw keyError(`${problem} (${error instanceof Error ? error.message : "invalid key"}); generate one with \`npm run keys:generate -- --alg ${alg}\``);
  }
  const modulusLength = (signingKey.algorithm as Partial<RsaHashedKeyAlgorithm>).modulusLength;
  if (modulusLength !== undefined && modulusLength < MIN_RSA_BITS) {
    throw keyError(`JWT_PRIVATE_KEY is a ${modulusLength}-bit RSA key; RS256 needs at least ${MIN_RSA_BITS} bits`);
  }
  const verification = await importPublic(publicJwk, alg);
  return { signing: { kid: verification.kid, alg, key: signingKey }, verification };
}

async function importPrevious(entry: PreviousKey, index: number): Promise<VerificationKey> {
  const where = `JWT_PREVIOUS_KEYS[${index}]`;
  let imported: VerificationKey;
  try {
    imported = entry.alg === "HS256" ? await importOct(entry, entry.alg) : await importPublic(entry, entry.alg);
  } catch (error) {
    throw keyError(`${where} cannot be imported as an ${entry.alg} key (${error instanceof Error ? error.message : "invalid key"})`);
  }
  // A kid that disagrees with the key is a copy-paste slip: the tokens it is meant to keep valid would fail.
  if (entry.kid !== undefined && entry.kid !== imported.kid) {
    throw keyError(`${where} has kid "${entry.kid}" but its RFC 7638 thumbprint is "${imported.kid}": copy the JWK again, or drop its kid`);
  }
  return imported;
}

async function importCurrent(jwt: KeySettings): Promise<{ signing: SigningKey; verification: VerificationKey }> {
  if (jwt.alg !== "HS256") {
    if (jwt.privateKey === undefined) throw keyError(`JWT_PRIVATE_KEY is not set: JWT_ALG=${jwt.alg} signs with a PKCS#8 private key`);
    return importPrivate(jwt.privateKey, jwt.alg);
  }
  if (jwt.secret === undefined) throw keyError("JWT_SECRET is not set: JWT_ALG=HS256 signs with it");
  // An HMAC key both signs and verifies.
  const key = await importOct(secretJwk(jwt.secret), jwt.alg);
  return { signing: key, verification: key };
}

export async function buildKeySet(jwt: KeySettings): Promise<KeySet> {
  const current = await importCurrent(jwt);
  const previous = await Promise.all((jwt.previousKeys ?? []).map(importPrevious));
  // The current key last, so a previous entry that repeats it cannot shadow it.
  const byKid = new Map([...previous, current.verification].map((key) => [key.kid, key]));
  return { current: current.signing, byKid };
}

/** The JWK Set of the public keys that verify our tokens; HMAC keys are secret and never listed. */
export function publicJwks(keys: KeySet): { keys: PublicJwk[] } {
  return { keys: [...keys.byKid.values()].flatMap((key) => (key.jwk ? [key.jwk] : [])) };
}

/**
 * The JWT_PREVIOUS_KEYS entry that keeps this key verifying once it is replaced:
 * the public JWK, or for HS256 the secret as an oct JWK (itself a secret).
 */
export async function previousKeyEntry(jwt: KeySettings): Promise<JWK> {
  const { signing, verification } = await importCurrent(jwt);
  if (verification.jwk) return verification.jwk;
  return { ...secretJwk(jwt.secret!), kid: signing.kid, alg: signing.alg };
}

let cached: Promise<KeySet> | undefined;

/** This process's key set, built on first use. */
export function keySet(): Promise<KeySet> {
  cached ??= buildKeySet(config().jwt).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** This process's public JWK Set, for GET /.well-known/jwks.json. */
export async function jwks(): Promise<{ keys: PublicJwk[] }> {
  return publicJwks(await keySet());
}
