import { expect, test, type Locator, type Page } from "@playwright/test";
import { formatDateTime } from "@/lib/format";
import { openAdminPageOf, registerThroughApi, signInThroughApi } from "@/tests/support/pages";
import { TEST_PASSWORD, uniqueName } from "@/tools/http-client";

/** The user's row on the admin page, from its first page on. */
async function adminRow(page: Page, username: string): Promise<Locator> {
  await page.goto("/admin");
  return openAdminPageOf(page, username);
}

/** The row's "Live sessions" cell, found by its column's heading rather than by a position that moves with every new column. */
async function liveSessionsCell(page: Page, row: Locator): Promise<Locator> {
  const headings = (await page.getByRole("table", { name: "Users" }).getByRole("columnheader").allTextContents()).map((heading) => heading.trim());
  const column = headings.indexOf("Live sessions");
  expect(column).toBeGreaterThanOrEqual(0);
  return row.getByRole("cell").nth(column);
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("an ADMIN ends all of a user's sessions from /admin, and that user's browser is signed out", async ({ page, browser }) => {
    const username = uniqueName("ended");
    const userContext = await browser.newContext({ javaScriptEnabled: false });
    const userPage = await userContext.newPage();
    await registerThroughApi(userPage, username, "Ended Elsewhere");

    await signInThroughApi(page, "hop", "123hop");
    const row = await adminRow(page, username);
    await expect(await liveSessionsCell(page, row)).toHaveText("1");
    await row.getByRole("button", { name: `End sessions of ${username}` }).click();

    await expect(await liveSessionsCell(page, await adminRow(page, username))).toHaveText("0");
    const events = page.getByRole("region", { name: "Latest auth events" });
    await expect(events.getByRole("row").filter({ hasText: "sessions_revoked" }).filter({ hasText: username })).toHaveCount(1);

    await userPage.goto("/dashboard");
    await expect(userPage).toHaveURL(/\/login\?next=%2Fdashboard$/);
    await userContext.close();
  });
});

test("the dashboard lists an API token as such, with its expiry, and Sign out revokes it", async ({ page, request }) => {
  const username = uniqueName("api-token");
  await registerThroughApi(page, username, "Token Holder");
  const issued = await request.post("/api/auth/token", {
    data: { username, password: TEST_PASSWORD },
    headers: { "user-agent": "curl/8.5.0", "x-forwarded-for": "10.77.0.1" },
  });
  expect(issued.status()).toBe(200);
  const { token, expiresAt } = (await issued.json()).data;

  await page.goto("/dashboard");
  const sessions = page.getByRole("table", { name: "Sessions" });
  const tokenRow = sessions.getByRole("row").filter({ hasText: "API token (curl)" });
  await expect(tokenRow).toHaveCount(1);
  await expect(tokenRow).toContainText(formatDateTime(expiresAt));

  await tokenRow.getByRole("button", { name: "Sign out API token (curl)" }).click();
  await expect(sessions.getByRole("row").filter({ hasText: "API token" })).toHaveCount(0);
  await expect(page).toHaveURL(/\/dashboard$/);
  const me = await request.get("/api/auth/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(401);
});
