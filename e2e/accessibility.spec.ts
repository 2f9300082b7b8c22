import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signInThroughForm } from "@/tests/support/pages";

async function expectNoSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length})`)).toEqual([]);
}

for (const path of ["/", "/login", "/register"]) {
  test(`${path} has no serious or critical accessibility finding`, async ({ page }) => {
    await page.goto(path);
    await expectNoSeriousViolations(page);
  });
}

test("the signed-in pages have no serious or critical accessibility finding", async ({ page }) => {
  // Three full axe scans, of pages that grow with the test data: more than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  await signInThroughForm(page, "hop", "123hop");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectNoSeriousViolations(page);
  await page.goto("/admin");
  await expectNoSeriousViolations(page);
  await page.goto("/");
  await page.getByRole("button", { name: "Show details" }).click();
  await expect(page.getByTestId("result")).toHaveText("Result - hop");
  await expectNoSeriousViolations(page);
});

test("the 403 page and a form with errors have no serious or critical accessibility finding", async ({ page }) => {
  await signInThroughForm(page, "toby", "wrong-password");
  await expect(page.getByText("Invalid username or password.")).toBeVisible();
  await expectNoSeriousViolations(page);
  await signInThroughForm(page, "toby", "123toby");
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto("/admin");
  await expectNoSeriousViolations(page);
});
