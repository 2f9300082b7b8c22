/**
 * The signing key set (SPEC §4): the current key signs, and only keys listed
 * here verify. Edge-safe; keys are imported once per process, never per request.
 */
import { base64url, calculateJwkThumbprint, importJWK, type CryptoKey } from "jose";
import { config, type Config } from "@/lib/config";

export type SigningAlgorithm = Config["jwt"]["alg"];

export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

export interface KeySet {
  current: VerificationKey;
  /** Keys accepted for verification, by kid. */
  byKid: ReadonlyMap<string, VerificationKey>;
}

async function importSecret(secret: string, alg: SigningAlgorithm): Promise<VerificationKey> {
  const jwk = { kty: "oct", k: base64url.encode(new TextEncoder().encode(secret)) };
  // RFC 7638 thumbprint: a stable id derived from the key itself, so two
  // instances with the same secret agree on it without coordination.
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  const key = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
  return { kid, alg, key };
}

export async function buildKeySet(jwt: Config["jwt"]): Promise<KeySet> {
  const current = await importSecret(jwt.secret, jwt.alg);
  return { current, byKid: new Map([[current.kid, current]]) };
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
