import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { SignJWT } from "jose";
import {
  expectSignedInHeader,
  expectSignedOutHeader,
  registerThroughApi,
  replaceAccessToken,
  signInThroughApi,
  signInThroughForm,
  throwawayUsernames,
} from "@/tests/support/pages";
import { SESSION_COOKIE } from "@/tools/cookies";
import { decodeClaims, forgeToken } from "@/tests/support/tokens";

const username = throwawayUsernames();

test("someone signed out is offered Sign in and Register, on every page", async ({ page }) => {
  for (const path of ["/", "/login", "/register", "/forgot-password"]) {
    await page.goto(path);
    await expectSignedOutHeader(page);
  }
  await page.getByRole("banner").getByRole("link", { name: "Register" }).click();
  await expect(page).toHaveURL(/\/register$/);
  await page.getByRole("banner").getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test("a USER sees their name, Dashboard and Sign out, and no Admin, on public and signed-in pages, until they sign out", async ({ page }) => {
  const name = username("header-user");
  await registerThroughApi(page, name);
  await page.goto("/dashboard");
  await expectSignedInHeader(page, name, { admin: false });
  for (const path of ["/", "/login"]) {
    await page.goto(path);
    await expectSignedInHeader(page, name, { admin: false });
  }
  // The 403 page of /admin, too, has no Admin link for them.
  expect((await page.goto("/admin"))?.status()).toBe(403);
  await expectSignedInHeader(page, name, { admin: false });

  await page.goto("/");
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expectSignedOutHeader(page);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login\?next=%2Fdashboard$/);
});

test("an ADMIN also sees Admin, which opens the admin page", async ({ page }) => {
  await signInThroughApi(page, "hop", "123hop");
  await page.goto("/dashboard");
  await expectSignedInHeader(page, "hop", { admin: true });
  await page.goto("/");
  await expectSignedInHeader(page, "hop", { admin: true });
  await page.getByRole("banner").getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("table", { name: "Users" })).toBeVisible();
});

test("a token edited to say ADMIN, a token signed with a secret that is not the server's, and an expired token show the signed-out header", async ({ page, context }) => {
  const name = username("header-forged");
  await registerThroughApi(page, name);
  const token = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
  const claims = decodeClaims(token);
  expect(claims.role).toBe("USER");

  const [header, , signature] = token.split(".");
  const promoted = Buffer.from(JSON.stringify({ ...claims, role: "ADMIN" })).toString("base64url");
  // Our key's id and the algorithm HS256, with a secret that is not the server's.
  const { kid } = JSON.parse(Buffer.from(header!, "base64url").toString()) as { kid: string };
  const otherKey = await new SignJWT({ ...claims, role: "ADMIN" }).setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid }).sign(randomBytes(32));
  const expired = await forgeToken({ ...claims, iat: Number(claims.iat) - 3600, exp: Number(claims.iat) - 60 });
  for (const forged of [`${header}.${promoted}.${signature}`, otherKey, expired]) {
    await replaceAccessToken(context, forged);
    await page.goto("/");
    await expectSignedOutHeader(page);
  }

  // The real token still shows the user.
  await replaceAccessToken(context, token);
  await page.goto("/");
  await expectSignedInHeader(page, name, { admin: false });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the header's Sign out signs out", async ({ page }) => {
    await signInThroughForm(page, "niko", "123niko", "/login?next=/");
    await expect(page).toHaveURL((url) => url.pathname === "/" && url.search === "");
    await expectSignedInHeader(page, "niko", { admin: false });
    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expectSignedOutHeader(page);
  });
});
