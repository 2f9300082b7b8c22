import { expect, test, type Page } from "@playwright/test";
import { confirmEmailThroughMail, registerThroughForm, throwawayUsernames } from "@/tests/support/pages";
import { linkIn, uniqueAddress, waitForMail } from "@/tests/support/mailbox";
import { query } from "@/tests/support/sql";
import { uniqueName } from "@/tools/http-client";

const username = throwawayUsernames();
const slugs: string[] = [];
test.afterAll(() => query(`DELETE FROM "Organization" WHERE "slug" = ANY($1::text[])`, [slugs]));

function members(page: Page) {
  return page.getByRole("table", { name: "Members" });
}

test("an OWNER without JavaScript creates an organization and invites; the invitee registers, confirms, accepts and switches to it in a second browser", async ({ browser }) => {
  // Two registrations, an address confirmed and two mails waited for, beside the other lanes.
  test.setTimeout(120_000);
  const owner = await browser.newContext({ javaScriptEnabled: false });
  const invitee = await browser.newContext();
  const ownerPage = await owner.newPage();
  const inviteePage = await invitee.newPage();
  const name = `Lab ${uniqueName("e2e")}`;
  const ownerName = username("org-owner");
  const inviteeName = username("org-invitee");
  const address = uniqueAddress("org-invitee");

  await registerThroughForm(ownerPage, ownerName);
  await ownerPage.getByRole("banner").getByText("Organization: Personal", { exact: true }).click();
  await ownerPage.getByRole("banner").getByRole("link", { name: "All organizations" }).click();
  await expect(ownerPage.getByRole("heading", { name: "Organizations", level: 1 })).toBeVisible();
  await ownerPage.getByLabel("Name", { exact: true }).fill(name);
  await ownerPage.getByRole("button", { name: "Create organization" }).click();
  await expect(ownerPage.getByRole("heading", { name, level: 1 })).toBeVisible();
  const slug = new URL(ownerPage.url()).pathname.split("/").pop()!;
  slugs.push(slug);
  await expect(members(ownerPage).getByRole("row").filter({ hasText: ownerName })).toContainText("OWNER");

  const invite = ownerPage.getByRole("form", { name: "Invite someone" });
  await invite.getByLabel("Email address").fill(address);
  await invite.getByLabel("Role").selectOption("ADMIN");
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(ownerPage.getByRole("status").filter({ hasText: `We sent an invitation to ${address}` })).toBeVisible();
  await expect(ownerPage.getByRole("table", { name: "Pending invitations" })).toContainText(address);

  await registerThroughForm(inviteePage, inviteeName, "Invited Person", { email: address });
  await confirmEmailThroughMail(inviteePage, address);
  await inviteePage.goto(linkIn(await waitForMail(address, { subject: /invited to join/ }), "/invite"));
  await expect(inviteePage.getByRole("heading", { name: `Join ${name}` })).toBeVisible();
  await inviteePage.getByRole("button", { name: "Accept the invitation" }).click();
  await expect(inviteePage).toHaveURL(new RegExp(`/orgs/${slug}$`));
  await expect(members(inviteePage).getByRole("row").filter({ hasText: inviteeName })).toContainText("ADMIN");

  // The header's switcher lists the organizations and switches this session to the one chosen.
  const header = inviteePage.getByRole("banner");
  await header.getByText("Organization: Personal", { exact: true }).click();
  await header.getByRole("list", { name: "Switch organization" }).getByRole("button", { name: new RegExp(name) }).click();
  await expect(header.getByText(`Organization: ${slug} (ADMIN)`, { exact: true })).toBeVisible();
  await inviteePage.goto("/dashboard");
  await expect(inviteePage.getByRole("heading", { name: `Posts in ${name}` })).toBeVisible();
  await inviteePage.goto("/");
  await inviteePage.getByRole("button", { name: "Show details" }).click();
  await expect(inviteePage.getByLabel("Token claims")).toContainText(`${slug} (ADMIN)`);

  // Without JavaScript the OWNER switches from the list of organizations, and sees the invitation used.
  await ownerPage.goto("/orgs");
  await ownerPage.getByRole("button", { name: `Switch to ${name}` }).click();
  await expect(ownerPage.getByRole("banner").getByText(`Organization: ${slug} (OWNER)`, { exact: true })).toBeVisible();
  await ownerPage.goto(`/orgs/${slug}`);
  await expect(members(ownerPage).getByRole("row").filter({ hasText: inviteeName })).toContainText("ADMIN");
  await expect(ownerPage.getByRole("table", { name: "Pending invitations" })).toHaveCount(0);
  await Promise.all([owner.close(), invitee.close()]);
});
