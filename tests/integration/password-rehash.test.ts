/**
 * "A hash made with a lower cost than BCRYPT_COST is re-hashed at the next
 * successful sign-in" (docs/security.md#passwords): a user whose stored bcrypt
 * hash predates a raise of BCRYPT_COST gets a hash at the current cost the next
 * time they sign in, and only with the right password.
 */
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { call, registerUser } from "@/tools/http-client";
import { query } from "../support/database";

const cost = parseConfig(process.env).bcryptCost;
const OLD_COST = 4;

async function storedHash(username: string): Promise<string> {
  const [row] = await query<{ passwordHash: string }>(`SELECT "passwordHash" FROM "User" WHERE "username" = $1`, [username]);
  return row!.passwordHash;
}

const login = (username: string, password: string) => call("/api/auth/login", { json: { username, password } });

describe("password re-hashing", () => {
  it("re-hashes a lower-cost hash at BCRYPT_COST on a successful sign-in, and only then", async () => {
    expect(cost).toBeGreaterThan(OLD_COST);
    const { username, password } = await registerUser("rehash");
    const old = bcrypt.hashSync(password, OLD_COST);
    await query(`UPDATE "User" SET "passwordHash" = $1 WHERE "username" = $2`, [old, username]);

    expect((await login(username, "a-wrong-password")).status).toBe(401);
    expect(await storedHash(username)).toBe(old);

    expect((await login(username, password)).status).toBe(200);
    const rehashed = await storedHash(username);
    expect(bcrypt.getRounds(rehashed)).toBe(cost);
    expect(bcrypt.compareSync(password, rehashed)).toBe(true);

    // Signing in again works, and a hash already at the current cost is left as it is.
    expect((await login(username, password)).status).toBe(200);
    expect(await storedHash(username)).toBe(rehashed);
  });
});
