/**
 * Turning on two-factor sign-in from the dashboard in a real Chromium, with
 * and without JavaScript: set up, scan or type the key, turn on with a code,
 * see the backup codes once; a set-up shown only in the browser that started
 * it, and turned on there after a detour through /reauth once the sign-in has
 * aged; and an ADMIN turning it off from the admin page.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousViolations } from "@/tests/support/accessibility";
import { browserSessionId, openAdminPageOf, registerThroughApi, signInThroughApi, throwawayUsernames } from "@/tests/support/pages";
import { TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { ageSignIn } from "@/tests/support/sql";
import { totpCode } from "@/tests/support/totp";

/** The accounts that need not stay for the admin page, deleted after this file's tests. */
const newUsername = throwawayUsernames();

/** What the user's authenticator app shows now for the key on the page. */
async function codeFromPage(page: Page): Promise<string> {
  const secret = (await page.locator("#totp-secret").textContent())!.trim();
  return totpCode(secret);
}

/** From a fresh account's dashboard to TOTP on; returns the backup codes shown. */
async function turnOnFromDashboard(page: Page): Promise<string[]> {
  const section = page.getByRole("region", { name: "Two-factor sign-in" });
  await expect(section).toContainText("Off.");
  await section.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();

  await section.getByLabel("Code from the app").fill("000000");
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByText("That code is not valid.")).toBeVisible();

  await section.getByLabel("Code from the app").fill(await codeFromPage(page));
  await section.getByRole("button", { name: "Turn on" }).click();
  const codes = section.getByRole("list", { name: "Backup codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  await expect(section).toContainText("They are shown only now.");
  await expect(section).toContainText("Backup codes left: 10.");
  await expect(section.locator("#totp-secret")).toHaveCount(0);
  return codes.allTextContents();
}

test("a user sets up an authenticator app from the dashboard and an ADMIN can turn it off", async ({ page, browser }) => {
  const username = uniqueName("totp-e2e");
  await registerThroughApi(page, username, "Totp Tester");
  await page.goto("/dashboard");
  const codes = await turnOnFromDashboard(page);
  for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);

  // Shown once: the next visit shows the state, not the codes.
  await page.reload();
  const section = page.getByRole("region", { name: "Two-factor sign-in" });
  await expect(section).toContainText("On since");
  await expect(section.getByRole("list", { name: "Backup codes" })).toHaveCount(0);
  await expectNoSeriousViolations(page);

  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await signInThroughApi(adminPage, "hop", "123hop");
  await adminPage.goto("/admin");
  const row = await openAdminPageOf(adminPage, username);
  await expect(row.getByRole("cell", { name: "On", exact: true })).toBeVisible();
  await row.getByRole("button", { name: `Turn off two-factor for ${username}` }).click();
  await expect(row.getByRole("cell", { name: "Off", exact: true })).toBeVisible();
  await expect(row.getByRole("button", { name: `Turn off two-factor for ${username}` })).toHaveCount(0);
  await admin.close();

  await page.reload();
  await expect(section.getByRole("button", { name: "Set up an authenticator app" })).toBeVisible();
});

test("a set-up is shown only in the browser that started it, and turning it on after the sign-in has aged goes through /reauth", async ({ page, browser }) => {
  const username = newUsername("totp-pending");
  await registerThroughApi(page, username, "Pending Owner");
  await page.goto("/dashboard");
  const section = page.getByRole("region", { name: "Two-factor sign-in" });
  await section.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await page.locator("#totp-secret").textContent())!.trim();

  // Another session of the same account sees TOTP off, and no key to copy.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInThroughApi(otherPage, username, TEST_PASSWORD);
  await otherPage.goto("/dashboard");
  await expect(otherPage.getByRole("region", { name: "Two-factor sign-in" })).toContainText("Off.");
  expect(await otherPage.content()).not.toContain(secret);
  await other.close();

  await ageSignIn(await browserSessionId(page), 3600);
  await section.getByLabel("Code from the app").fill(totpCode(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(page).toHaveURL(/\/reauth\?next=%2Fdashboard$/);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // Still the same session, so still its set-up.
  await expect(page.locator("#totp-secret")).toHaveText(secret);
  await section.getByLabel("Code from the app").fill(totpCode(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByRole("list", { name: "Backup codes" }).getByRole("listitem")).toHaveCount(10);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the dashboard sets up, turns on and turns off two-factor sign-in", async ({ page }) => {
    await registerThroughApi(page, uniqueName("totp-nojs"), "No Script");
    await page.goto("/dashboard");
    await turnOnFromDashboard(page);
    const section = page.getByRole("region", { name: "Two-factor sign-in" });
    // Just registered, so recently signed in: no detour to /reauth.
    await section.getByRole("button", { name: "Turn off" }).click();
    await expect(section.getByRole("button", { name: "Set up an authenticator app" })).toBeVisible();
  });
});
