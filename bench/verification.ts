/**
 * Token verification in-process: bench/verify.ts once per signing algorithm, each in a
 * process of its own (its own settings and heap), and their results collected.
 */
import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "@/tools/app-server";
import { ALGS, log, PLAN } from "./plan";
import type { VerifyResult } from "./verify";

function verifyBench(alg: (typeof ALGS)[number]): VerifyResult {
  log(`Token verification, ${alg}…`);
  const result = spawnSync("npx", ["tsx", "bench/verify.ts", alg, String(PLAN.verifyRoundMs), String(PLAN.verifyRounds)], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`bench/verify.ts ${alg} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as VerifyResult;
}

/** What one verification costs per algorithm, against the crypto floors and two other session libraries; run before any server competes for the cores. */
export function measureVerification(): VerifyResult[] {
  return ALGS.map(verifyBench);
}
