/**
 * Password hashing with bcrypt (docs/security.md#passwords). Server-only: bcrypt is
 * CPU-heavy and must never run in the Edge middleware.
 *
 * A failed password check always costs one compare at BCRYPT_COST, whoever the
 * username belongs to. An unknown username is compared against a dummy hash at
 * that cost; a user whose stored hash is older and cheaper (cost 10 when the
 * setting is now 12 is 4× less work) gets the difference made up with
 * throwaway hashing. Without that, the quicker "wrong password" answer would
 * tell an attacker which usernames exist, and which hold weak hashes.
 */
import "server-only";
import bcrypt from "bcryptjs";
import { config } from "@/lib/config";
import { processWide } from "@/lib/process-wide";
import { bcryptCompare, bcryptHash } from "@/lib/auth/passwords/bcrypt-pool";

/** Hashing and comparing run in worker threads (lib/auth/passwords/bcrypt-pool.ts), never on the event loop. */
export function hashPassword(password: string, cost = config().bcryptCost): Promise<string> {
  return bcryptHash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcryptCompare(password, hash);
}

/** True when a stored hash was made with a lower cost than configured, so sign-in should re-hash it. */
export function needsRehash(hash: string): boolean {
  return bcrypt.getRounds(hash) < config().bcryptCost;
}

/**
 * A real hash of a random password, made once per process. Signing in with an
 * unknown username compares against it, so that answer costs the same bcrypt
 * work as a wrong password and timing does not reveal which usernames exist.
 */
export function dummyPasswordHash(): Promise<string> {
  return processWide("dummyPasswordHash", () => hashPassword(crypto.randomUUID()));
}

/**
 * The bcrypt costs to spend, after a compare at `stored`, so that the work adds
 * up to one compare at `target`. Cost c is 2^c rounds, and
 * 2^stored + (2^stored + 2^(stored+1) + … + 2^(target−1)) = 2^target.
 */
export function topUpCosts(stored: number, target: number): number[] {
  const costs: number[] = [];
  for (let cost = Math.max(stored, 4); cost < target; cost++) costs.push(cost);
  return costs;
}

/**
 * Whether `password` is the one `hash` was made from; with no hash (an unknown
 * username) always false. Either way a mismatch costs one compare at BCRYPT_COST.
 */
export async function checkPassword(password: string, hash: string | null): Promise<boolean> {
  const against = hash ?? (await dummyPasswordHash());
  if (await verifyPassword(password, against)) return hash !== null;
  // One after another, as the single compare they stand in for would take as long.
  for (const cost of topUpCosts(bcrypt.getRounds(against), config().bcryptCost)) await bcryptHash(crypto.randomUUID(), cost);
  return false;
}
