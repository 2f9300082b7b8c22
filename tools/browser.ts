/**
 * Which Chromium the browser tests drive (the Playwright config, the outage
 * suite, `npm test`): CHROMIUM_PATH, else Debian's headless shell (the engine
 * without a browser's window and UI, as Playwright's own headless runs use:
 * less than half the CPU of `chromium --headless`), else Debian's
 * /usr/bin/chromium, else (undefined) Playwright's own download.
 */
import { existsSync } from "node:fs";
import type { LaunchOptions } from "@playwright/test";

export function chromiumPath(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((candidate): candidate is string => Boolean(candidate) && existsSync(candidate!));
}

/** How every test launches it: headless, and quiet on a closed network. */
export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = chromiumPath();
  return {
    ...(executablePath ? { executablePath } : {}),
    // Without the background-networking flags Chromium keeps calling home from a closed network.
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  };
}
