/**
 * Password hashing with bcrypt (SPEC §5 "Passwords"). Server-only: bcrypt is
 * CPU-heavy and must never run in the Edge middleware.
 */
import "server-only";
import bcrypt from "bcryptjs";
import { config } from "@/lib/config";
import { bcryptCompare, bcryptHash } from "@/lib/auth/bcrypt-pool";

/** Hashing and comparing run in worker threads (lib/auth/bcrypt-pool.ts), never on the event loop. */
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
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}
