/**
 * Finding out which usernames exist by timing failed sign-ins. An unknown
 * username costs one bcrypt compare at BCRYPT_COST; a wrong password for a user
 * whose stored hash is older and cheaper must cost the same, or the quicker
 * answer names the account. This file runs its own `npm start` at cost 11 (the
 * shared test server uses 10) on the same database, and stores one user's hash at
 * cost 10, as an account from before a raise of BCRYPT_COST would be: without the
 * top-up, its wrong password would answer in half the time of an unknown username.
 */
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppServer } from "@/tools/app-server";
import { httpClient, uniqueName } from "@/tools/http-client";
import { query, throwawayAccounts } from "../support/database";
import { median } from "../support/level-off";
import { startSecondServer } from "../support/second-server";

const SAMPLES = 11;
let server: AppServer;

beforeAll(async () => {
  // Sampling needs more wrong passwords for one user than the per-username limit allows.
  server = await startSecondServer({ BCRYPT_COST: "11", RATE_LIMIT_PER_USERNAME: "100" });
}, 120_000);
afterAll(() => server?.terminate());

describe("failed sign-in timing", () => {
  it("takes as long for a wrong password on a cost-10 hash as for an unknown username at cost 11", async () => {
    const { call, registerUser } = httpClient(server.url);
    const { username, password } = await throwawayAccounts(registerUser)("timed");
    await query(`UPDATE "User" SET "passwordHash" = $1 WHERE "username" = $2`, [bcrypt.hashSync(password, 10), username]);

    async function failedSignIn(name: string): Promise<number> {
      const started = performance.now();
      const response = await call("/api/auth/login", { json: { username: name, password: "not-the-password" } });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(401);
      return elapsed;
    }

    // Warm-up: the first attempts pay for one-off work (compiling routes, the dummy hash).
    await failedSignIn(uniqueName("ghost"));
    await failedSignIn(username);
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample++) {
      unknown.push(await failedSignIn(uniqueName("ghost")));
      wrong.push(await failedSignIn(username));
    }
    const [fast, slow] = [median(unknown), median(wrong)].sort((a, b) => a - b);
    expect(slow! / fast!, `medians: unknown ${median(unknown).toFixed(0)} ms, wrong password ${median(wrong).toFixed(0)} ms`).toBeLessThanOrEqual(1.5);
  }, 120_000);
});
