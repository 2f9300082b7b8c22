/**
 * The second step of signing in and re-authentication, in a real Chromium:
 * a TOTP user's password leads to the code step; an aged sign-in is sent to
 * /reauth before turning TOTP off, confirms with a code, and comes back.
 */
import { expect, test } from "@playwright/test";
import { browserSessionId, registerThroughApi, signInThroughForm, throwawayUsernames, turnOnTotpThroughApi } from "@/tests/support/pages";
import { TEST_PASSWORD } from "@/tools/http-client";
import { ageSignIn } from "@/tests/support/sql";
import { totpCode } from "@/tests/support/totp";

/** The accounts these tests made, deleted afterwards. */
const newUsername = throwawayUsernames();

test("with TOTP on, a right password leads to the code step, and the token shows both factors", async ({ page }) => {
  const username = newUsername("e2e-mfa");
  await registerThroughApi(page, username);
  await page.goto("/dashboard");
  const secret = await turnOnTotpThroughApi(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);

  await signInThroughForm(page, username, TEST_PASSWORD, "/login?next=%2Fdashboard");
  await expect(page).toHaveURL(/\/login\/verify\?next=%2Fdashboard$/);
  await expect(page.getByRole("heading", { name: "Two-step sign-in" })).toBeVisible();

  await page.getByLabel("Code from your authenticator app").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.locator(".form-error")).toHaveText("That code is not valid.");

  await page.getByLabel("Code from your authenticator app").fill(totpCode(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByLabel("Token claims")).toContainText("password + one-time code (two factors)");
  await expect(page.getByLabel("Token claims")).toContainText("pwd otp mfa");
});

test("the re-authentication page takes the password and goes back to where the user was", async ({ page }) => {
  await registerThroughApi(page, newUsername("e2e-reauth"));
  await page.goto("/reauth?next=%2Fdashboard");
  await expect(page.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.locator(".form-error")).toHaveText("That password is not right.");
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("an aged sign-in confirms with a code before turning TOTP off, then comes back and turns it off", async ({ page }) => {
  await registerThroughApi(page, newUsername("e2e-stepup"));
  await page.goto("/dashboard");
  const secret = await turnOnTotpThroughApi(page);
  await ageSignIn(await browserSessionId(page), 3600);
  await page.reload();
  await expect(page.getByText(/^On since /)).toBeVisible();

  await page.getByRole("button", { name: "Turn off" }).click();
  await expect(page).toHaveURL(/\/reauth\?next=%2Fdashboard$/);
  // With TOTP on, the password alone does not re-authenticate: the page asks for a code.
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByLabel("Code from your authenticator app").fill(totpCode(secret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByLabel("Token claims")).toContainText("one-time code");

  await page.getByRole("button", { name: "Turn off" }).click();
  await expect(page.getByText(/^Off\. /)).toBeVisible();
});
