/**
 * Signing in with an outside identity in a real Chromium, from the login
 * page's button through the OpenID Provider that `npm test` runs over https
 * (its throwaway certificate is not the browser's to trust, hence
 * ignoreHTTPSErrors) to the dashboard, whose Connected accounts section lists
 * the identity. With TESSERA_SCREENSHOTS=1 it also saves the pictures the
 * README shows (docs/login-providers.png, docs/connected-accounts.png).
 */
import { expect, test } from "@playwright/test";
import { query } from "@/tests/support/sql";
import { expectNoSeriousViolations } from "@/tests/support/accessibility";
import { uniqueName } from "@/tools/http-client";

test.use({ ignoreHTTPSErrors: true });

const screenshots = process.env.TESSERA_SCREENSHOTS === "1";

test("signs in from the login page's button through the provider, and the dashboard lists the connection", async ({ page }) => {
  // Two sites, a sign-in and an axe scan of the section: more than the default 30 s on a busy machine.
  test.setTimeout(60_000);
  const username = uniqueName("sso");
  try {
    await page.goto("/login");
    const button = page.getByRole("link", { name: "Continue with Test SSO" });
    await expect(button).toBeVisible();
    if (screenshots) await page.locator("main").screenshot({ path: "docs/login-providers.png" });
    await button.click();

    await expect(page.getByRole("heading", { name: "Test OpenID Provider" })).toBeVisible();
    await page.getByLabel("Subject").fill(uniqueName("e2e-subject"));
    await page.getByLabel("Email", { exact: true }).fill(`${username}@example.test`);
    await page.getByLabel("The email is verified").check();
    await page.getByLabel("Name", { exact: true }).fill("Katherine Johnson");
    await page.getByLabel("Preferred username").fill(username);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("heading", { name: "Hello, Katherine Johnson" })).toBeVisible();
    await expect(page.getByLabel("Token claims")).toContainText("identity provider");
    const section = page.locator("#connected-accounts");
    await expect(section.getByRole("cell", { name: "Test SSO", exact: true })).toBeVisible();
    await expect(section.getByRole("cell", { name: `${username}@example.test`, exact: true })).toBeVisible();
    await expect(section.getByRole("button", { name: "Connect GitHub" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Set a password" })).toBeVisible();
    await expectNoSeriousViolations(page, { include: "#connected-accounts" });
    if (screenshots) await section.screenshot({ path: "docs/connected-accounts.png" });
  } finally {
    await query(`DELETE FROM "User" WHERE "username" = $1`, [username]);
  }
});
