/**
 * End-to-end tests in a real Chromium against the server `npm test` starts
 * (TESSERA_BASE_URL). `npm test` also starts the one Chromium that both workers
 * drive (TESSERA_BROWSER_WS); run alone, Playwright launches its own, a system
 * Chromium when there is one (tools/browser.ts). Spec files run side by side in
 * two workers, each file's tests in order.
 */
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./tools/browser";

const browserServer = process.env.TESSERA_BROWSER_WS;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  // Two workers share two cores with two other lanes and the server: twice Playwright's default wait.
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: process.env.TESSERA_BASE_URL ?? "http://127.0.0.1:3000",
    // A trace records a screencast of every test, kept or not: a third of the browser's CPU.
    // A failure still leaves a screenshot of where it stopped.
    trace: "off",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        ...(browserServer ? { connectOptions: { wsEndpoint: browserServer } } : { launchOptions: chromiumLaunchOptions() }),
      },
    },
  ],
});
