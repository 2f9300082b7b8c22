import { expect, test } from "@playwright/test";
import { expectNoSeriousViolations } from "@/tests/support/accessibility";
import { accountWithConfirmedAddressThroughApi, registerThroughApi, resetLinkThroughForm, signInThroughApi, signInThroughForm } from "@/tests/support/pages";
import { TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { linkIn, uniqueAddress, waitForMail } from "@/tests/support/mailbox";
import { query } from "@/tests/support/sql";
import { awayFromStepEdge, totpCode } from "@/tests/support/totp";

for (const path of ["/", "/login", "/register", "/forgot-password"]) {
  test(`${path} has no serious or critical accessibility finding`, async ({ page }) => {
    await page.goto(path);
    await expectNoSeriousViolations(page);
  });
}

test("the scan finds a serious finding planted in a page it has already scanned", async ({ page }) => {
  await page.goto("/login");
  await expectNoSeriousViolations(page);
  // An image without a text alternative: axe's image-alt rule, critical.
  await page.evaluate(() => document.querySelector("main")!.append(Object.assign(document.createElement("img"), { src: "data:," })));
  await expect(expectNoSeriousViolations(page)).rejects.toThrow(/image-alt/);
});

test("the signed-in pages have no serious or critical accessibility finding", async ({ page }) => {
  // Three full axe scans, of pages that grow with the test data: more than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  await signInThroughApi(page, "hop", "123hop");
  await page.goto("/dashboard");
  await expectNoSeriousViolations(page);
  await page.goto("/admin");
  await expectNoSeriousViolations(page);
  // On a phone's width every table is wider than the screen and scrolls: a keyboard must reach each.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSeriousViolations(page, { rules: ["scrollable-region-focusable"] });
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto("/");
  await page.getByRole("button", { name: "Show details" }).click();
  await expect(page.getByTestId("result")).toHaveText("Result - hop");
  await expectNoSeriousViolations(page);
});

test("the 403 page and a form with errors have no serious or critical accessibility finding", async ({ page }) => {
  await signInThroughForm(page, "toby", "wrong-password");
  await expect(page.getByText("Invalid username or password.")).toBeVisible();
  await expectNoSeriousViolations(page);
  await signInThroughApi(page, "toby", "123toby");
  await page.goto("/admin");
  await expectNoSeriousViolations(page);
});

test("two-factor set-up, backup codes, the second step and re-authentication have no serious or critical accessibility finding", async ({ page }) => {
  test.setTimeout(90_000);
  const username = uniqueName("a11y-mfa");
  try {
    await registerThroughApi(page, username);
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    const secret = (await page.locator("#totp-secret").textContent())!.trim();
    await expectNoSeriousViolations(page);

    await awayFromStepEdge();
    await page.getByLabel("Code from the app").fill(totpCode(secret, -1));
    await page.getByRole("button", { name: "Turn on" }).click();
    await expect(page.getByRole("list", { name: "Backup codes" })).toBeVisible();
    await expectNoSeriousViolations(page);

    await page.goto("/reauth?next=%2Fdashboard");
    await expect(page.getByRole("heading", { name: "Confirm it is you" })).toBeVisible();
    await expectNoSeriousViolations(page);

    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signInThroughForm(page, username, TEST_PASSWORD);
    await expect(page.getByRole("heading", { name: "Two-step sign-in" })).toBeVisible();
    await expectNoSeriousViolations(page);
  } finally {
    await query(`DELETE FROM "User" WHERE "username" = $1`, [username]);
  }
});

test("confirming an address, the email and password forms, and the reset link's form have no serious or critical accessibility finding", async ({ page }) => {
  test.setTimeout(90_000);
  const username = uniqueName("a11y-mail");
  const email = uniqueAddress("a11y-mail");
  try {
    await registerThroughApi(page, username, "End To End", { email });
    await page.goto(linkIn(await waitForMail(email, { subject: /confirm your email address/i }), "/verify-email"));
    await expect(page.getByRole("heading", { name: "Confirm your email address" })).toBeVisible();
    await expectNoSeriousViolations(page);
    await page.getByRole("button", { name: "Confirm", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Email address confirmed" })).toBeVisible();
    await expectNoSeriousViolations(page);

    await page.goto("/dashboard");
    const passwordForm = page.getByRole("form", { name: "Change password" });
    await passwordForm.getByLabel("Current password").fill("not-the-password");
    await passwordForm.getByLabel("New password (8–72 characters)").fill("a-brand-new-passphrase-7");
    await passwordForm.getByRole("button", { name: "Change password" }).click();
    await expect(passwordForm.locator(".form-error")).toBeVisible();
    await expectNoSeriousViolations(page);

    const link = await resetLinkThroughForm(page, username, email);
    await expectNoSeriousViolations(page);
    await page.goto(link);
    await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
    await expectNoSeriousViolations(page);
  } finally {
    await query(`DELETE FROM "User" WHERE "username" = $1`, [username]);
  }
});

test("the organization pages, the switcher and an invitation have no serious or critical accessibility finding", async ({ page }) => {
  test.setTimeout(90_000);
  const email = uniqueAddress("a11y-invitee");
  await signInThroughApi(page, "hop", "123hop");
  await page.goto("/dashboard");
  const header = page.getByRole("banner");
  await header.locator(".org-switcher summary").click();
  await expect(header.getByRole("list", { name: "Switch organization" })).toBeVisible();
  await expectNoSeriousViolations(page);
  await page.goto("/orgs");
  await expectNoSeriousViolations(page);
  await page.getByRole("link", { name: "Menlo Park" }).click();
  await expect(page.getByRole("heading", { name: "Menlo Park", level: 1 })).toBeVisible();
  const invite = page.getByRole("form", { name: "Invite someone" });
  await invite.getByLabel("Email address").fill(email);
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(email);
  try {
    await expectNoSeriousViolations(page);
    await page.goto(linkIn(await waitForMail(email, { subject: /invited to join/ }), "/invite"));
    await expect(page.getByRole("heading", { name: "Join Menlo Park" })).toBeVisible();
    await expectNoSeriousViolations(page);
    await page.goto("/invite?token=no-such-invitation");
    await expect(page.getByRole("heading", { name: "This invitation no longer works" })).toBeVisible();
    await expectNoSeriousViolations(page);
  } finally {
    await query(`DELETE FROM "Invitation" WHERE "email" = $1`, [email]);
  }
});

test("asking for a sign-in link by email, and the pages its link opens, have no serious or critical accessibility finding", async ({ page }) => {
  test.setTimeout(60_000);
  const username = uniqueName("a11y-link");
  const email = uniqueAddress("a11y-link");
  try {
    await accountWithConfirmedAddressThroughApi(username, email);
    await page.goto("/login/email");
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect(page.getByRole("status")).toBeVisible();
    await expectNoSeriousViolations(page);

    await page.goto(linkIn(await waitForMail(email, { subject: /sign-in link/i }), "/sign-in/email"));
    await expect(page.getByRole("heading", { name: "Sign in to Tessera" })).toBeVisible();
    await expectNoSeriousViolations(page);

    await page.goto("/sign-in/email?token=no-such-link");
    await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
    await expectNoSeriousViolations(page);
  } finally {
    await query(`DELETE FROM "User" WHERE "username" = $1`, [username]);
  }
});
