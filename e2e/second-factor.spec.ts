import { expect, test, type Page } from "@playwright/test";
import { registerThroughForm, signInThroughForm } from "@/tests/support/pages";
import { TEST_PASSWORD, uniqueName } from "@/tests/support/http";
import { awayFromStepEdge, totpCode } from "@/tests/support/totp";

/** Turns TOTP on for the signed-in browser's account through the API, as the dashboard does; returns the secret. */
async function turnOnTotp(page: Page): Promise<string> {
  const origin = new URL(page.url()).origin;
  await awayFromStepEdge();
  const setup = await page.request.post("/api/auth/totp/setup", { headers: { origin } });
  expect(setup.status()).toBe(200);
  const { secret } = (await setup.json()).data as { secret: string };
  const enable = await page.request.post("/api/auth/totp/enable", { headers: { origin }, data: { code: totpCode(secret, -1) } });
  expect(enable.status()).toBe(200);
  return secret;
}

test("with TOTP on, a right password leads to the code step, and the token shows both factors", async ({ page }) => {
  const username = uniqueName("e2e-mfa");
  await registerThroughForm(page, username);
  const secret = await turnOnTotp(page);
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
  await registerThroughForm(page, uniqueName("e2e-reauth"));
  await page.goto("/reauth?next=%2Fdashboard");
  await expect(page.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.locator(".form-error")).toHaveText("That password is not right.");
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});
