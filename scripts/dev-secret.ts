/**
 * There are no default secrets in code (docs/tokens-and-cookies.md). Development gets random
 * ones on first run, appended to `.env.local` so sessions and TOTP enrolments survive restarts:
 * JWT_SECRET (signs the access tokens) and TOTP_ENCRYPTION_KEY (seals TOTP secrets at rest).
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Env } from "./env-files";

const DEV_SECRETS = {
  JWT_SECRET: () => randomBytes(48).toString("base64"),
  TOTP_ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
} as const;

/** Returns the file it wrote to, or undefined when every secret was already configured. */
export function ensureDevSecret(env: Env, dir: string): string | undefined {
  const missing = Object.entries(DEV_SECRETS).filter(([name]) => !env[name]);
  if (missing.length === 0) return undefined;
  const file = path.join(dir, ".env.local");
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  appendFileSync(file, separator + missing.map(([name, generate]) => `${name}=${generate()}\n`).join(""), { mode: 0o600 });
  return file;
}
