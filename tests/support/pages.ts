/**
 * Steps through the real pages that browser tests share: sign in and register
 * through the forms, read a page's result line, confirm an address and ask for
 * a reset link through the mails the app really sent.
 */
import { expect, test, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { SESSION_COOKIE } from "@/tools/cookies";
import { call, TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { query } from "./sql";
import { linkIn, waitForMail } from "./mailbox";
import { decodeClaims } from "./tokens";
import { awayFromStepEdge, totpCode } from "./totp";

export async function signInThroughForm(page: Page, username: string, password: string, path = "/login"): Promise<void> {
  await page.goto(path);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Registers through the form with TEST_PASSWORD (which signs in), and the optional email address, and waits for the dashboard. */
export async function registerThroughForm(page: Page, username: string, name = "End To End", { email }: { email?: string } = {}): Promise<void> {
  await page.goto("/register");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel(/^Password/).fill(TEST_PASSWORD);
  if (email) await page.getByLabel("Email address (optional, to reset a forgotten password)").fill(email);
  await page.getByRole("button", { name: "Create account" }).click();
  // Registering hashes the password in the server's bcrypt pool, which the other lanes' sign-ins
  // keep busy while npm test runs them side by side: wait for the dashboard past the default 5 s.
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 20_000 });
}

/**
 * Registers over the JSON API from the page's browser context, whose cookie
 * store the answer's cookies land in, as a front end's would: signed in, on no
 * page yet. For tests whose subject starts with an account; the form has tests
 * of its own, and the browser then spends its time on the flow under test.
 */
export async function registerThroughApi(page: Page, username: string, name = "End To End", { email }: { email?: string } = {}): Promise<void> {
  const response = await page.request.post("/api/auth/register", { data: { username, password: TEST_PASSWORD, name, ...(email ? { email } : {}) } });
  expect(response.status(), await response.text()).toBe(201);
}

/** Signs in over the JSON API from the page's browser context (see registerThroughApi), on no page yet. */
export async function signInThroughApi(page: Page, username: string, password: string): Promise<void> {
  const response = await page.request.post("/api/auth/login", { data: { username, password } });
  expect(response.status(), await response.text()).toBe(200);
}

/** What the site header offers someone signed out: Sign in and Register, and nothing of a signed-in user's. */
export async function expectSignedOutHeader(page: Page): Promise<void> {
  const header = page.getByRole("banner");
  await expect(header.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await expect(header.getByRole("link", { name: "Register", exact: true })).toBeVisible();
  await expect(header.getByText("Signed in as")).toHaveCount(0);
  for (const name of ["Sign out", "Dashboard", "Admin"]) await expect(header.getByRole(name === "Sign out" ? "button" : "link", { name, exact: true })).toHaveCount(0);
}

/** What the site header offers `username`: their name, Dashboard and Sign out, and Admin exactly when they are an ADMIN. */
export async function expectSignedInHeader(page: Page, username: string, { admin }: { admin: boolean }): Promise<void> {
  const header = page.getByRole("banner");
  await expect(header.getByText(`Signed in as ${username}`, { exact: true })).toBeVisible();
  await expect(header.getByRole("link", { name: "Dashboard", exact: true })).toBeVisible();
  await expect(header.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
  await expect(header.getByRole("link", { name: "Admin", exact: true })).toHaveCount(admin ? 1 : 0);
  for (const name of ["Sign in", "Register"]) await expect(header.getByRole("link", { name, exact: true })).toHaveCount(0);
}

/** Puts `token` in the browser's session cookie in place of the one the server set (same name, domain, path and flags). */
export async function replaceAccessToken(context: BrowserContext, token: string): Promise<void> {
  const original = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
  if (!original) throw new Error("the browser holds no session cookie");
  await context.clearCookies({ name: SESSION_COOKIE });
  await context.addCookies([{ ...original, value: token }]);
}

/** The home page's result line after "Get token" or "Show details". */
export async function expectResult(page: Page, text: string): Promise<void> {
  await expect(page.getByTestId("result")).toHaveText(`Result - ${text}`);
}

/**
 * Names for the accounts a spec file registers, all deleted after its tests,
 * so that they push no other test's user onto another admin page. Call it once
 * at the top of the file; each call of what it returns is a fresh username.
 */
export function throwawayUsernames(): (prefix: string) => string {
  const usernames: string[] = [];
  test.afterAll(() => query(`DELETE FROM "User" WHERE "username" = ANY($1::text[])`, [usernames]));
  return (prefix) => {
    const username = uniqueName(prefix);
    usernames.push(username);
    return username;
  };
}

/**
 * Opens the /admin page on which `username`'s row stands, and returns that
 * row: the users table is paged (oldest first), so a user made late in a test
 * run may be pages away.
 */
export async function openAdminPageOf(page: Page, username: string): Promise<Locator> {
  // The users table only: the events table below names the same user in its rows.
  const users = page.getByRole("table", { name: "Users" });
  const cell = users.getByRole("cell", { name: username, exact: true });
  // Counted only once the table is there: right after a client-side navigation the URL can be ahead of the page.
  await expect(users).toBeVisible();
  for (let pages = 0; pages < 50 && (await cell.count()) === 0; pages++) {
    const next = page.getByRole("link", { name: "Next page" });
    if ((await next.count()) === 0) break;
    await page.goto((await next.getAttribute("href"))!);
    await expect(users).toBeVisible();
  }
  await expect(cell).toBeVisible();
  return users.getByRole("row").filter({ has: page.getByRole("cell", { name: username, exact: true }) });
}

/**
 * Turns TOTP on for the signed-in browser's account through the API, as the
 * dashboard's form does, and returns the secret: confirmed with the code of
 * the step before now, so the current step's code is left for the test.
 */
export async function turnOnTotpThroughApi(page: Page): Promise<string> {
  const origin = new URL(page.url()).origin;
  await awayFromStepEdge();
  const setup = await page.request.post("/api/auth/totp/setup", { headers: { origin } });
  expect(setup.status()).toBe(200);
  const { secret } = (await setup.json()).data as { secret: string };
  const enable = await page.request.post("/api/auth/totp/enable", { headers: { origin }, data: { code: totpCode(secret, -1) } });
  expect(enable.status()).toBe(200);
  return secret;
}

/** The id of the session the browser's access cookie belongs to. */
export async function browserSessionId(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find(({ name }) => name.endsWith("tessera_session"));
  if (!cookie) throw new Error("the browser holds no session cookie");
  return String(decodeClaims(cookie.value).sid);
}

/**
 * Opens the link of the newest "Confirm your email address" mail to `email` in
 * the browser, presses its page's Confirm button and waits for the confirmation.
 */
export async function confirmEmailThroughMail(page: Page, email: string): Promise<void> {
  const mail = await waitForMail(email, { subject: /confirm your email address/i });
  await page.goto(linkIn(mail, "/verify-email"));
  await expect(page.getByRole("heading", { name: "Confirm your email address" })).toBeVisible();
  await page.getByRole("button", { name: "Confirm", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Email address confirmed" })).toBeVisible();
}

/**
 * "Forgot your password?" from the sign-in page for `username`, and the reset
 * link from the mail that then comes to `email` (only a mail sent after the ask).
 */
export async function resetLinkThroughForm(page: Page, username: string, email: string): Promise<string> {
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Username or email address").fill(username);
  const asked = new Date();
  await page.getByRole("button", { name: "Send a reset link" }).click();
  await expect(page.locator(".form-status")).toHaveText(/^If that account exists and has a confirmed email address, a link to reset its password is on its way\./);
  return linkIn(await waitForMail(email, { subject: /reset your tessera password/i, after: asked }), "/reset-password");
}

/**
 * An account with `email` confirmed, made over the API as a client would
 * (register, then the link of the mail it gets): for browser tests whose
 * subject starts after that, so that the browser spends its time on the flow
 * under test. Signed out: nothing is kept of the registration's session.
 */
export async function accountWithConfirmedAddressThroughApi(username: string, email: string): Promise<void> {
  const registered = await call("/api/auth/register", { json: { username, password: TEST_PASSWORD, name: "Mail Tester", email } });
  expect(registered.status, await registered.clone().text()).toBe(201);
  const token = new URL(linkIn(await waitForMail(email, { subject: /confirm your email address/i }), "/verify-email")).searchParams.get("token");
  expect((await call("/api/auth/email/verify", { json: { token } })).status).toBe(200);
}
