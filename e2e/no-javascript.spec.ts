import { expect, test } from "@playwright/test";
import { expectResult, signInThroughForm } from "@/tests/support/pages";

test.use({ javaScriptEnabled: false });

test("sign in, Get token and Show details work without JavaScript", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Show details" }).click();
  await expectResult(page, "Token is missing");

  await signInThroughForm(page, "niko", "123niko", "/login?next=/");
  await expect(page).toHaveURL((url) => url.pathname === "/" && url.search === "");
  await page.getByRole("button", { name: "Get token" }).click();
  await expectResult(page, "Token generated successfully");
  await page.getByRole("button", { name: "Show details" }).click();
  await expectResult(page, "niko");
  await expect(page.getByLabel("Token claims")).toContainText("USER");
});

test("the sign-in form shows field errors without JavaScript", async ({ page }) => {
  await signInThroughForm(page, "n", "x");
  await expect(page.getByText("Username must be at least 2 characters.")).toBeVisible();
});

test("registration shows field errors without JavaScript", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Name", { exact: true }).fill("N");
  await page.getByLabel("Username").fill("bad name");
  await page.getByLabel(/^Password/).fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Name must be at least 2 characters.")).toBeVisible();
  await expect(page.getByText("Password must be at least 8 characters.")).toBeVisible();
  await expect(page.getByLabel("Username")).toHaveValue("bad name");
});
