/**
 * Passkeys in a real Chromium with a virtual authenticator (Chrome DevTools
 * Protocol's WebAuthn domain), which answers every ceremony as a platform
 * authenticator with user verification would. The relying party is
 * `localhost`, so the pages are opened on the test server's port as localhost.
 */
import { expect, test, type Page } from "@playwright/test";
import { browserSessionId, registerThroughApi, signInThroughForm, throwawayUsernames, turnOnTotpThroughApi } from "@/tests/support/pages";
import { TEST_PASSWORD } from "@/tools/http-client";
import { ageSignIn } from "@/tests/support/sql";

test.use({ baseURL: (process.env.TESSERA_BASE_URL ?? "http://127.0.0.1:3000").replace("127.0.0.1", "localhost") });

/** Adds a virtual authenticator to `page`: a platform authenticator that verifies its user. */
async function virtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials };
}

async function signOut(page: Page) {
  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** The accounts these tests made, deleted afterwards. */
const newUsername = throwawayUsernames();

const passkeys = (page: Page) => page.getByRole("table", { name: "Passkeys" });

/** A browser that offers no passkeys in autofill (no conditional UI), where the button is the way in. */
async function withoutAutofill(page: Page) {
  await page.addInitScript(() => {
    Object.defineProperty(PublicKeyCredential, "isConditionalMediationAvailable", { value: async () => false });
  });
}

/** Registers a fresh account (a fresh sign-in: no re-authentication needed) and adds a passkey from the dashboard. */
async function userWithPasskey(page: Page, name: string): Promise<string> {
  const username = newUsername("passkey");
  await registerThroughApi(page, username, name);
  await page.goto("/dashboard");
  await expect(page.getByText("No passkeys yet.")).toBeVisible();
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Passkey added." })).toBeVisible();
  await expect(passkeys(page).getByRole("row")).toHaveCount(2);
  return username;
}

test("add a passkey, see it listed, sign in with it by the button, rename it and remove it", async ({ page }) => {
  await withoutAutofill(page);
  const authenticator = await virtualAuthenticator(page);
  await userWithPasskey(page, "Passkey Person");
  await expect(passkeys(page)).toContainText(/Passkey 1 \(/);
  await expect(passkeys(page)).toContainText("This device only");
  await expect(passkeys(page)).toContainText("Never");
  expect(await authenticator.credentials()).toHaveLength(1);

  await signOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Hello, Passkey Person" })).toBeVisible();
  await expect(passkeys(page)).not.toContainText("Never");

  await passkeys(page).getByRole("button", { name: /^Rename / }).click();
  await page.getByLabel(/^New name for /).fill("My laptop");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Passkey renamed." })).toBeVisible();
  await expect(passkeys(page)).toContainText("My laptop");

  await page.getByRole("button", { name: "Remove My laptop" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Passkey removed." })).toBeVisible();
  await expect(page.getByText("No passkeys yet.")).toBeVisible();
});

test("sign in from the username field's autofill (conditional UI)", async ({ page }) => {
  await virtualAuthenticator(page);
  await userWithPasskey(page, "Autofill Person");
  // Signed out without a visit to /login, whose autofill would sign straight back in.
  expect((await page.request.post("/api/auth/logout")).ok()).toBe(true);
  expect((await page.context().cookies()).filter(({ name }) => name.endsWith("tessera_session"))).toEqual([]);
  // The page asks for a passkey in the username field's autofill as it loads; Chromium's
  // virtual authenticator answers such a request at once, as a user picking the passkey would.
  await page.goto("/login");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Hello, Autofill Person" })).toBeVisible();
});

test("a passkey the server no longer knows is refused, and the page says so", async ({ page }) => {
  await withoutAutofill(page);
  const authenticator = await virtualAuthenticator(page);
  await userWithPasskey(page, "Forgotten Key");
  await passkeys(page).getByRole("button", { name: /^Remove / }).click();
  await expect(page.getByText("No passkeys yet.")).toBeVisible();
  // The authenticator still holds the passkey the server has forgotten.
  expect(await authenticator.credentials()).toHaveLength(1);

  await signOut(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.locator(".form-error")).toHaveText("The passkey could not be verified.");
  await expect(page).toHaveURL(/\/login/);
});

test("a passkey stands in for the code after a password, and re-authenticates an aged sign-in", async ({ page }) => {
  await withoutAutofill(page);
  await virtualAuthenticator(page);
  const username = await userWithPasskey(page, "Second Factor");
  await turnOnTotpThroughApi(page);
  await signOut(page);

  await signInThroughForm(page, username, TEST_PASSWORD);
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByLabel("Token claims")).toContainText("pwd hwk mfa");

  await ageSignIn(await browserSessionId(page), 3600);
  await page.goto("/reauth?next=%2Fdashboard");
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByLabel("Token claims")).toContainText("hwk mfa");
  await passkeys(page).getByRole("button", { name: /^Remove / }).click();
  await expect(page.getByText("No passkeys yet.")).toBeVisible();
});
