/**
 * Getting back into an account, in a real Chromium and through the mails the
 * app really sent (npm test's mail catcher): confirming an address from its
 * link, "Forgot your password?" and the reset link (with a code when two-factor
 * sign-in is on), an ADMIN's one-time reset link, and the dashboard's email
 * and password forms with the notices they mail.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import {
  confirmEmailThroughMail,
  openAdminPageOf,
  registerThroughApi,
  registerThroughForm,
  resetLinkThroughForm,
  signInThroughApi,
  signInThroughForm,
  throwawayUsernames,
  turnOnTotpThroughApi,
} from "@/tests/support/pages";
import { TEST_PASSWORD } from "@/tools/http-client";
import { linkIn, uniqueAddress, waitForMail } from "@/tests/support/mailbox";
import { awayFromStepEdge, totpCode } from "@/tests/support/totp";

const NEW_PASSWORD = "a-brand-new-passphrase-7";

// Each test waits for several mails and signs in more than once: more than the default 30 s on a busy machine.
test.describe.configure({ timeout: 60_000 });

/** The accounts these tests made, deleted afterwards. */
const newUsername = throwawayUsernames();

/** A new account registered on `page` (which stays signed in) whose address is confirmed through its mail. */
async function accountWithConfirmedAddress(page: Page, prefix: string): Promise<{ username: string; email: string }> {
  const username = newUsername(prefix);
  const email = uniqueAddress(prefix);
  await registerThroughApi(page, username, "Recovery Tester", { email });
  await confirmEmailThroughMail(page, email);
  return { username, email };
}

/** A page in a browser context of its own: no cookie of the other pages. */
async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test("a user registers with an email address and confirms it with the Confirm button of the page the mail's link opens", async ({ page }) => {
  const username = newUsername("e2e-verify");
  const email = uniqueAddress("e2e-verify");
  await registerThroughForm(page, username, "Verify Tester", { email });
  const details = page.getByRole("region", { name: "Email and password" });
  await expect(details).toContainText(`Email address: ${email} (not confirmed yet`);

  const mail = await waitForMail(email, { subject: /^Confirm your email address/ });
  await page.goto(linkIn(mail, "/verify-email"));
  await expect(page.getByRole("heading", { name: "Confirm your email address" })).toBeVisible();
  await expect(page.getByText(`Confirm ${email} as the email address of the Tessera account ${username}.`)).toBeVisible();
  // Opening the link confirmed nothing.
  await page.goto("/dashboard");
  await expect(details).toContainText(`Email address: ${email} (not confirmed yet`);

  await page.goto(linkIn(mail, "/verify-email"));
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Email address confirmed" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("Your email address is confirmed.");

  await page.getByRole("link", { name: "Go to your dashboard" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(details).toContainText(`Email address: ${email} (confirmed)`);

  // The link works once.
  await page.goto(linkIn(mail, "/verify-email"));
  await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
});

test("a forgotten password is reset from the mailed link, which signs every session out and works once", async ({ page, browser }) => {
  // `page` is the old session: signed in since registering.
  const { username, email } = await accountWithConfirmedAddress(page, "e2e-reset");
  const other = await freshPage(browser);

  const link = await resetLinkThroughForm(other, username, email);
  await other.goto(link);
  await expect(other.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(other.getByText(`For ${username}.`)).toBeVisible();
  await expect(other.getByLabel("Code from your authenticator app")).toHaveCount(0);
  const changed = new Date();
  await other.getByLabel("New password (8–72 characters)").fill(NEW_PASSWORD);
  await other.getByRole("button", { name: "Set the new password" }).click();
  await expect(other).toHaveURL(/\/login\?reset=done$/);
  await expect(other.locator(".form-status")).toContainText("Your password is changed");

  await signInThroughForm(other, username, TEST_PASSWORD);
  await expect(other.locator(".form-error")).toHaveText("Invalid username or password.");
  await signInThroughForm(other, username, NEW_PASSWORD);
  await expect(other).toHaveURL(/\/dashboard$/);

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);

  const notice = await waitForMail(email, { subject: /^Your Tessera password was reset$/, after: changed });
  expect(notice.text).toContain("Every session was signed out.");

  await other.goto(link);
  await expect(other.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await other.context().close();
});

test("with two-factor sign-in on, the reset link also asks for a code", async ({ page, browser }) => {
  const { username, email } = await accountWithConfirmedAddress(page, "e2e-reset-mfa");
  const secret = await turnOnTotpThroughApi(page);
  const other = await freshPage(browser);

  await other.goto(await resetLinkThroughForm(other, username, email));
  await expect(other.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await other.getByLabel("New password (8–72 characters)").fill(NEW_PASSWORD);
  await other.getByLabel("Code from your authenticator app").fill("000000");
  await other.getByRole("button", { name: "Set the new password" }).click();
  await expect(other.locator(".form-error")).toHaveText("That code is not valid.");
  await expect(other).toHaveURL(/\/reset-password\?token=/);

  await awayFromStepEdge();
  await other.getByLabel("New password (8–72 characters)").fill(NEW_PASSWORD);
  await other.getByLabel("Code from your authenticator app").fill(totpCode(secret));
  await other.getByRole("button", { name: "Set the new password" }).click();
  await expect(other).toHaveURL(/\/login\?reset=done$/);

  // The new password leads to the code step, as before the reset.
  await signInThroughForm(other, username, NEW_PASSWORD);
  await expect(other.getByRole("heading", { name: "Two-step sign-in" })).toBeVisible();
  await other.context().close();
});

test("an ADMIN hands out a one-time reset link from the admin page", async ({ page, browser }) => {
  const user = await freshPage(browser);
  const username = newUsername("e2e-admin-link");
  // No email address: the admin's link is the way back in.
  await registerThroughApi(user, username, "Link Tester");

  await signInThroughApi(page, "hop", "123hop");
  await page.goto("/admin");
  const row = await openAdminPageOf(page, username);
  await row.getByRole("button", { name: `Reset link for ${username}` }).click();
  const field = row.getByLabel(`One-time link for ${username}`);
  await expect(field).toHaveValue(/\/reset-password\?token=/);
  const link = await field.inputValue();

  const holder = await freshPage(browser);
  await holder.goto(link);
  await expect(holder.getByText(`For ${username}.`)).toBeVisible();
  await holder.getByLabel("New password (8–72 characters)").fill(NEW_PASSWORD);
  await holder.getByRole("button", { name: "Set the new password" }).click();
  await expect(holder).toHaveURL(/\/login\?reset=done$/);
  await signInThroughForm(holder, username, NEW_PASSWORD);
  await expect(holder).toHaveURL(/\/dashboard$/);
  await expect(holder.getByRole("heading", { name: "Hello, Link Tester" })).toBeVisible();

  // The user's own session ended with the reset.
  await user.goto("/dashboard");
  await expect(user).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await holder.context().close();
  await user.context().close();
});

test("the dashboard changes the password and the email address, and mails a notice to the confirmed address", async ({ page }) => {
  const { email } = await accountWithConfirmedAddress(page, "e2e-details");
  await page.goto("/dashboard");
  const details = page.getByRole("region", { name: "Email and password" });
  await expect(details).toContainText(`Email address: ${email} (confirmed)`);

  // Freshly registered, so recently signed in: no detour to /reauth.
  const passwordForm = details.getByRole("form", { name: "Change password" });
  await passwordForm.getByLabel("Current password").fill("not-the-password");
  await passwordForm.getByLabel("New password (8–72 characters)").fill(NEW_PASSWORD);
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await expect(passwordForm.locator(".form-error")).toHaveText("Your current password is needed to set a new one.");

  const passwordChanged = new Date();
  await passwordForm.getByLabel("Current password").fill(TEST_PASSWORD);
  await passwordForm.getByLabel("New password (8–72 characters)").fill(NEW_PASSWORD);
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await expect(passwordForm.locator(".form-status")).toHaveText("Your password is changed. Your other sessions are signed out.");
  await waitForMail(email, { subject: /^Your Tessera password was changed$/, after: passwordChanged });
  await expect(page).toHaveURL(/\/dashboard$/);

  const newEmail = uniqueAddress("e2e-details-new");
  const emailChanged = new Date();
  const emailForm = details.getByRole("form", { name: "Email address" });
  await emailForm.getByLabel("New email address (empty removes it)").fill(newEmail);
  await emailForm.getByRole("button", { name: "Change email address" }).click();
  await expect(emailForm.locator(".form-status")).toHaveText(`We sent a link to ${newEmail}. Open it to confirm the address.`);
  const notice = await waitForMail(email, { subject: /^The email address of your Tessera account changed$/, after: emailChanged });
  expect(notice.text).toContain("Mail about the account no longer comes here.");
  await expect(details).toContainText(`Email address: ${newEmail} (not confirmed yet`);

  await confirmEmailThroughMail(page, newEmail);
  await page.goto("/dashboard");
  await expect(details).toContainText(`Email address: ${newEmail} (confirmed)`);
});
