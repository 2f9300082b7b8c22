/**
 * Attacks that would outlive the owner's own recovery: a passkey planted by
 * whoever held the account, which a password reset used to leave in place;
 * the pre-hijacking chain (register with the victim's address, plant a
 * passkey, wait for the victim's mail scanner and reset); and a reset link,
 * mailed or an admin's, still working after the owner changed the password.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../support/database";
import { call, serverActionForm, signIn } from "@/tools/http-client";
import { linkIn, waitForMail } from "../support/mailbox";
import { addPasskey, signInWithPasskey } from "../support/passkeys";
import { mailAccounts, requestResetLink, tokenOf } from "../support/recovery";

const accounts = mailAccounts();
const NEW_PASSWORD = "a-brand-new-passphrase";

const errorOf = async (response: Response) => ((await response.json()) as { error?: string }).error;
const pathOf = (link: string) => `${new URL(link).pathname}${new URL(link).search}`;

// hop's session, signed in once for the file: the tests only hand out reset links with it.
let hop: string;
beforeAll(async () => {
  hop = await signIn("hop", "123hop");
});

async function passkeyEvents(userId: string): Promise<number> {
  const [row] = await query<{ count: string }>(`SELECT count(*) FROM "AuthEvent" WHERE "userId" = $1::uuid AND "type" = 'passkey_removed'`, [userId]);
  return Number(row!.count);
}

describe("a password reset", () => {
  it("removes a planted passkey: it no longer signs in, and the reset page and the notice named it", async () => {
    const account = await accounts.verified("planted");
    // Whoever holds the session adds a passkey under a harmless-looking name.
    const planted = await addPasskey(account.cookie, "Work laptop");
    expect((await signInWithPasskey(planted)).status).toBe(200);

    const link = await requestResetLink(account);
    const page = await (await call(pathOf(link))).text();
    expect(page).toContain("It also removes the account&#x27;s passkeys");
    expect(page).toContain("<li>Work laptop</li>");

    const before = new Date();
    expect((await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: NEW_PASSWORD } })).status).toBe(204);
    const refused = await signInWithPasskey(planted);
    expect(refused.status).toBe(401);
    expect(await errorOf(refused)).toBe("passkey_rejected");
    expect(await query(`SELECT 1 FROM "Passkey" WHERE "userId" = $1::uuid`, [account.id])).toEqual([]);
    expect(await passkeyEvents(account.id)).toBe(1);

    const notice = await waitForMail(account.email, { subject: /password was reset/i, after: before });
    expect(notice.text).toContain('Its passkeys were removed, so that none added by someone else still signs in: "Work laptop".');
  });

  it("by an admin's link removes the passkeys too", async () => {
    const account = await accounts.register("admin-reset-passkey");
    const planted = await addPasskey(account.cookie, "Spare key");
    const issued = await call(`/api/users/${account.id}/reset-link`, { method: "POST", cookie: hop });
    expect(issued.status).toBe(201);
    const { url } = ((await issued.json()) as { data: { url: string } }).data;
    expect(await (await call(pathOf(url))).text()).toContain("<li>Spare key</li>");
    expect((await call("/api/auth/password/reset", { json: { token: tokenOf(url), password: NEW_PASSWORD } })).status).toBe(204);
    expect((await signInWithPasskey(planted)).status).toBe(401);
  });
});

describe("pre-hijacking", () => {
  it("an account registered with the victim's address, with a passkey planted, is the victim's alone after they confirm and reset", async () => {
    // The attacker registers with the victim's address and plants a passkey.
    const attacker = await accounts.register("pre-hijack");
    const victimAddress = attacker.email;
    const planted = await addPasskey(attacker.cookie, "Victim's phone");
    const link = await accounts.verificationLink(victimAddress);

    // The victim's mail scanner opens the link: nothing is confirmed, so no reset mail can go to the address yet.
    expect((await call(pathOf(link), { method: "HEAD" })).status).toBe(200);
    expect((await call(pathOf(link))).status).toBe(200);
    const [row] = await query<{ confirmed: boolean }>(`SELECT "emailVerifiedAt" IS NOT NULL AS "confirmed" FROM "User" WHERE "id" = $1::uuid`, [attacker.id]);
    expect(row!.confirmed).toBe(false);

    // The victim confirms on the page and resets by the address; the page warns of the passkey it removes.
    expect((await (await serverActionForm(pathOf(link)))({})).status).toBe(303);
    const asked = new Date();
    expect((await call("/api/auth/password/forgot", { json: { email: victimAddress } })).status).toBe(202);
    const reset = linkIn(await waitForMail(victimAddress, { subject: /reset your/i, after: asked }), "/reset-password");
    expect(await (await call(pathOf(reset))).text()).toContain("<li>Victim&#x27;s phone</li>");
    expect((await call("/api/auth/password/reset", { json: { token: tokenOf(reset), password: NEW_PASSWORD } })).status).toBe(204);

    // The attacker's way back in is gone: the passkey, the password and the session.
    expect((await signInWithPasskey(planted)).status).toBe(401);
    expect((await call("/api/auth/login", { json: { username: attacker.username, password: attacker.password } })).status).toBe(401);
    expect((await call("/api/auth/me", { cookie: attacker.cookie })).status).toBe(401);
  });
});

describe("a password change", () => {
  it("ends the reset links handed out before it: an admin's and a mailed one are 410 token_invalid", async () => {
    const account = await accounts.verified("changed-after-link");
    const issued = await call(`/api/users/${account.id}/reset-link`, { method: "POST", cookie: hop });
    expect(issued.status).toBe(201);
    const adminLink = ((await issued.json()) as { data: { url: string } }).data.url;
    const mailedLink = await requestResetLink(account);

    const changed = await call(`/api/users/${account.id}`, { method: "PATCH", json: { password: NEW_PASSWORD, currentPassword: account.password }, cookie: account.cookie });
    expect(changed.status).toBe(200);

    for (const link of [adminLink, mailedLink]) {
      const reset = await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: "the-attackers-passphrase" } });
      expect(reset.status).toBe(410);
      expect(await errorOf(reset)).toBe("token_invalid");
    }
    expect((await call("/api/auth/login", { json: { username: account.username, password: NEW_PASSWORD } })).status).toBe(200);
  });
});
