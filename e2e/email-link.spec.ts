/**
 * Signing in with a link by email, in a real Chromium and through the mail the
 * app really sent (npm test's mail catcher): asked for from the sign-in page,
 * opened from the mail, and the page's Sign in button. The attacks on it (a
 * mail scanner, a link used twice or late, TOTP) are over HTTP:
 * tests/security/email-link.test.ts.
 */
import { expect, test } from "@playwright/test";
import { accountWithConfirmedAddressThroughApi, expectSignedInHeader, throwawayUsernames } from "@/tests/support/pages";
import { linkIn, uniqueAddress, waitForMail } from "@/tests/support/mailbox";

/** The accounts these tests made, deleted afterwards. */
const newUsername = throwawayUsernames();

test("a user asks for a sign-in link on the sign-in page, opens it from the mail and signs in with its button", async ({ page }) => {
  const username = newUsername("e2e-link");
  const email = uniqueAddress("e2e-link");
  await accountWithConfirmedAddressThroughApi(username, email);

  await page.goto("/login");
  await page.getByRole("link", { name: "Email me a sign-in link" }).click();
  await expect(page).toHaveURL(/\/login\/email$/);
  await page.getByLabel("Email address").fill(email);
  const asked = new Date();
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("status")).toHaveText(/^If an account has this confirmed email address, a sign-in link is on its way to it\./);

  await page.goto(linkIn(await waitForMail(email, { subject: /sign-in link/i, after: asked }), "/sign-in/email"));
  await expect(page.getByRole("heading", { name: "Sign in to Tessera" })).toBeVisible();
  await expect(page.getByText(`Sign in as ${username}.`)).toBeVisible();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectSignedInHeader(page, username, { admin: false });
  await expect(page.getByLabel("Token claims")).toContainText("sign-in link by email email");
});
