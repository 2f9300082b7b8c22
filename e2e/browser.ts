/**
 * Which Chromium the end-to-end tests drive: CHROMIUM_PATH, else Debian's
 * /usr/bin/chromium, else (undefined) Playwright's own download.
 */
import { existsSync } from "node:fs";

export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((candidate): candidate is string => Boolean(candidate) && existsSync(candidate!));
}
