import { expect, test, type Browser, type Page } from "@playwright/test";
import { openAdminPageOf, registerThroughApi, signInThroughApi } from "@/tests/support/pages";
import { SESSION_COOKIE } from "@/tools/cookies";
import { TEST_PASSWORD, uniqueName } from "@/tools/http-client";

/** One account signed in twice, over the API: on `page` (by registering) and in a second browser context; both on the dashboard. */
async function signedInTwice(page: Page, browser: Browser, prefix: string) {
  const username = uniqueName(prefix);
  await registerThroughApi(page, username, "Session Tester");
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInThroughApi(otherPage, username, TEST_PASSWORD);
  await otherPage.goto("/dashboard");
  await page.goto("/dashboard");
  return { other, otherPage };
}

test("an expired access token is refreshed without a trip to the sign-in page", async ({ page, context }) => {
  await signInThroughApi(page, "niko", "123niko");
  const before = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
  // The browser drops an access cookie when its Max-Age runs out; do what it would do.
  await context.clearCookies({ name: SESSION_COOKIE });

  const visited: string[] = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest()) visited.push(new URL(request.url()).pathname);
  });
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Hello, Nicholas Tesla" })).toBeVisible();
  expect(visited).toContain("/api/auth/refresh");
  expect(visited).not.toContain("/login");
  const after = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
  expect(after).not.toBe(before);
});

test("Sign out everywhere ends the session in another browser too", async ({ page, browser }) => {
  const { other, otherPage } = await signedInTwice(page, browser, "everywhere");
  await expect(page.getByRole("table", { name: "Sessions" }).getByRole("button")).toHaveCount(2);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await other.close();
});

test("signing out one other session leaves this one signed in", async ({ page, browser }) => {
  const { other, otherPage } = await signedInTwice(page, browser, "one-out");
  const sessions = page.getByRole("table", { name: "Sessions" });
  const otherRow = sessions.getByRole("row").filter({ hasNot: page.getByText("(this device)") }).filter({ has: page.getByRole("button") });
  await expect(otherRow).toHaveCount(1);
  await otherRow.getByRole("button").click();
  await expect(sessions.getByRole("button")).toHaveCount(1);
  await expect(page).toHaveURL(/\/dashboard$/);

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await other.close();
});

test("an ADMIN creates and deletes a user on the admin page", async ({ page }) => {
  await signInThroughApi(page, "hop", "123hop");
  await page.goto("/admin");
  const username = uniqueName("made");
  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("Name", { exact: true }).fill("Made On Admin Page");
  await form.getByLabel("Username").fill(username);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText(`Created ${username}.`)).toBeVisible();
  await openAdminPageOf(page, username);

  await page.getByRole("button", { name: `Delete ${username}` }).click();
  await expect(page.getByRole("cell", { name: username, exact: true })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Latest auth events" })).toBeVisible();
});
