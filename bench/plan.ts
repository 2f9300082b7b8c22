/**
 * What one bench run measures and for how long: the command-line flags, each cell's
 * length, the connection counts and the signing algorithms. Every cell is bounded in
 * time, so the whole run is too.
 */
import type { SigningAlgorithm } from "@/lib/edge/keys";

/** `--quick` shortens every cell (for checking the script, not for numbers). */
export const quick = process.argv.includes("--quick");
/** `--no-build` reuses an existing .next build. */
export const skipBuild = process.argv.includes("--no-build");

/** `--no-fresh-clone` skips the clone, `npm ci` and first `npm run dev` page timing. */
export const skipFreshClone = process.argv.includes("--no-fresh-clone");

/** `--requests-only` measures the request matrix and the reference comparison alone, and writes no report. */
export const requestsOnly = process.argv.includes("--requests-only");

/** Cell lengths. */
export const PLAN = quick
  ? { verifyRoundMs: 30, verifyRounds: 3, httpSeconds: 1, httpRounds: 1, signInSeconds: 2, dbSeconds: 1, dbRounds: 1 }
  : { verifyRoundMs: 80, verifyRounds: 15, httpSeconds: 2, httpRounds: 3, signInSeconds: 8, dbSeconds: 2, dbRounds: 3 };
export const CONNECTION_LEVELS = [10, 50] as const;
/** Two per core: enough to saturate bcrypt, few enough that a cost-12 sign-in completes inside a cell. */
export const SIGN_IN_CONNECTIONS = 4;
/** A monitoring probe's view of the server while sign-ins saturate it. */
export const PROBE_CONNECTIONS = 1;
export const ALGS = ["HS256", "RS256", "ES256", "EdDSA"] as const satisfies readonly SigningAlgorithm[];

/** Progress goes to stderr, so that stdout holds only the table. */
export function log(line: string): void {
  console.error(`[bench] ${line}`);
}
