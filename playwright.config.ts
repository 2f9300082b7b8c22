/**
 * End-to-end tests in a real Chromium against the server `npm test` starts
 * (TESSERA_BASE_URL). A system Chromium is used when there is one (tests/support/browser.ts).
 */
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./tests/support/browser";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"]],
  use: {
    baseURL: process.env.TESSERA_BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: chromiumLaunchOptions(),
      },
    },
  ],
});
