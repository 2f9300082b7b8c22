/**
 * There is no default secret in code (docs/tokens-and-cookies.md). Development gets a random one
 * on first run, appended to `.env.local` so sessions survive restarts.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Env } from "./env-files";

/** Returns the file it wrote to, or undefined when a secret was already configured. */
export function ensureDevSecret(env: Env, dir: string): string | undefined {
  if (env.JWT_SECRET) return undefined;
  const file = path.join(dir, ".env.local");
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  appendFileSync(file, `${separator}JWT_SECRET=${randomBytes(48).toString("base64")}\n`, { mode: 0o600 });
  return file;
}
