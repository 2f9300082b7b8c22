import { expect, test } from "@playwright/test";
import { forgeToken } from "@/tests/support/tokens";
import { expectResult, registerThroughForm, replaceAccessToken, signInThroughApi, signInThroughForm } from "@/tests/support/pages";
import { SESSION_COOKIE } from "@/tools/cookies";
import { uniqueName } from "@/tools/http-client";

test("register, see the dashboard, get a token, show details, sign out, and be sent to sign in again", async ({ page }) => {
  const username = uniqueName("e2e");
  await registerThroughForm(page, username);
  await expect(page.getByRole("heading", { name: "Hello, End To End" })).toBeVisible();
  await expect(page.getByText(username).first()).toBeVisible();

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await page.getByRole("button", { name: "Get token" }).click();
  await expectResult(page, "Token generated successfully");
  await page.getByRole("button", { name: "Show details" }).click();
  await expectResult(page, username);
  await expect(page.getByLabel("Token claims")).toContainText("USER");
  await expect(page.getByLabel("Token claims")).toContainText(/\d+ min/);

  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await page.goto("/");
  await page.getByRole("button", { name: "Show details" }).click();
  await expectResult(page, "Token is missing");
});

test("sign-in sends the user back to the page they asked for", async ({ page }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
  await page.getByLabel("Username").fill("niko");
  await page.getByLabel("Password").fill("123niko");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText("#### Nicholas Tesla Test Note ####")).toBeVisible();
});

test("a wrong password shows an error on the form and sets no cookie", async ({ page, context }) => {
  await signInThroughForm(page, "niko", "wrong-password");
  await expect(page.getByText("Invalid username or password.")).toBeVisible();
  expect((await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();
});

test("Get token while signed out leads to /login?next=/", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Get token" }).click();
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)$/);
});

test("Show details says when the token is invalid or has expired", async ({ page, context }) => {
  await signInThroughForm(page, "lex", "123qwerty", "/login?next=/");
  await expect(page).toHaveURL((url) => url.pathname === "/" && url.search === "");
  const original = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!;
  const replaceToken = (value: string) => replaceAccessToken(context, value);

  await replaceToken(`${original.value.slice(0, -4)}AAAA`);
  await page.goto("/");
  await page.getByRole("button", { name: "Show details" }).click();
  await expectResult(page, "Invalid token");

  const claims = JSON.parse(Buffer.from(original.value.split(".")[1]!, "base64url").toString());
  await replaceToken(await forgeToken({ ...claims, iat: claims.iat - 3600, exp: claims.iat - 60 }));
  await page.goto("/");
  await page.getByRole("button", { name: "Show details" }).click();
  await expectResult(page, "Token has expired");
});

test("the session cookie is httpOnly and SameSite, and invisible to page scripts", async ({ page, context }) => {
  await signInThroughForm(page, "lex", "123qwerty");
  await expect(page).toHaveURL(/\/dashboard$/);
  const cookie = (await context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: true, path: "/" });
  expect(await page.evaluate(() => document.cookie)).not.toContain("tessera_session");
});

test("a USER gets a 403 page on /admin; an ADMIN sees the users", async ({ page, browser }) => {
  await signInThroughApi(page, "toby", "123toby");
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Forbidden" })).toBeVisible();

  const admin = await browser.newPage();
  await signInThroughApi(admin, "hop", "123hop");
  const adminResponse = await admin.goto("/admin");
  expect(adminResponse?.status()).toBe(200);
  await expect(admin.getByRole("cell", { name: "Grace Hopper" })).toBeVisible();
  await admin.close();
});
