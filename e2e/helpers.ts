/** Small steps the end-to-end specs share: sign in and register through the real forms. */
import { expect, type Page } from "@playwright/test";

export const SESSION_COOKIE = "__Host-tessera_session";
export const TEST_PASSWORD = "a-strong-password";

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function signInThroughForm(page: Page, username: string, password: string, path = "/login"): Promise<void> {
  await page.goto(path);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Registers through the form (which signs in) and waits for the dashboard. */
export async function registerThroughForm(page: Page, username: string, name = "End To End"): Promise<void> {
  await page.goto("/register");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function expectResult(page: Page, text: string): Promise<void> {
  await expect(page.getByTestId("result")).toHaveText(`Result - ${text}`);
}
