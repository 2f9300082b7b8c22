/**
 * Attacks on email addresses: a mail scanner that opens (HEAD, GET) a
 * confirmation link, an address claimed first by someone else so that its
 * owner cannot have it (pre-hijacking), registration telling which addresses
 * are in use, the app made to mail any address again and again, and names
 * that carry more than one line into pages and mails.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cookieHeader, sessionCookie } from "@/tools/cookies";
import { deleteUsers, query } from "../support/database";
import { eventually } from "../support/eventually";
import { call, randomClientIp, serverActionForm, signIn, TEST_PASSWORD, uniqueName } from "@/tools/http-client";
import { linkIn, mailsTo, waitForMail } from "../support/mailbox";
import { mailAccounts, tokenOf, uniqueAddress } from "../support/recovery";

const accounts = mailAccounts();
/** Accounts registered here without the helper, deleted after the file. */
const otherAccounts: string[] = [];
afterAll(() => deleteUsers(otherAccounts));

const envelope = async (response: Response) =>
  (await response.json()) as { data: Record<string, unknown> | null; error?: string; fields?: Record<string, string> };

/** The address on the account and whether it is confirmed, as stored. */
async function addressOf(id: string): Promise<{ email: string | null; confirmed: boolean }> {
  const [row] = await query<{ email: string | null; confirmed: boolean }>(`SELECT "email", "emailVerifiedAt" IS NOT NULL AS "confirmed" FROM "User" WHERE "id" = $1::uuid`, [id]);
  return row!;
}

/** The path and query of a link from a mail. */
const pathOf = (link: string) => `${new URL(link).pathname}${new URL(link).search}`;

/** Waits for the mail to come, then long enough for any other that would follow it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2_000));

describe("a confirmation link opened by a mail scanner", () => {
  it("confirms nothing on HEAD or GET, with or without cookies; the page's Confirm button does", async () => {
    const account = await accounts.register("scanner");
    const link = await accounts.verificationLink(account.email);

    const head = await call(pathOf(link), { method: "HEAD" });
    expect(head.status).toBe(200);
    const look = await call(pathOf(link));
    expect(look.status).toBe(200);
    expect(await look.text()).toContain("Confirm your email address");
    expect((await call(pathOf(link), { cookie: account.cookie })).status).toBe(200);
    expect(await addressOf(account.id)).toEqual({ email: account.email, confirmed: false });

    const confirmed = await (await serverActionForm(pathOf(link)))({});
    expect(confirmed.status).toBe(303);
    expect(await addressOf(account.id)).toEqual({ email: account.email, confirmed: true });
  });
});

describe("an address several accounts claim", () => {
  it("belongs to the first account that confirms it; the other claims and their links end then", async () => {
    const first = await accounts.register("claim-first");
    const second = await accounts.register("claim-second", { email: first.email });
    expect(await addressOf(second.id)).toEqual({ email: first.email, confirmed: false });

    // Both links go to the one mailbox; the page of each names its account.
    const confirmations = async () => (await mailsTo(first.email)).filter((mail) => /confirm your email/i.test(mail.subject));
    await eventually("both confirmation mails", async () => (await confirmations()).length === 2, { withinMs: 15_000, everyMs: 100 });
    const links = (await confirmations()).map((mail) => linkIn(mail, "/verify-email"));
    const pages = await Promise.all(links.map(async (link) => ({ link, html: await (await call(pathOf(link))).text() })));
    const linkOf = (username: string) => pages.find((page) => page.html.includes(username))!.link;

    const won = await call("/api/auth/email/verify", { json: { token: tokenOf(linkOf(second.username)) } });
    expect(won.status).toBe(200);
    expect(await addressOf(second.id)).toEqual({ email: first.email, confirmed: true });
    expect(await addressOf(first.id)).toEqual({ email: null, confirmed: false });

    const lost = await call("/api/auth/email/verify", { json: { token: tokenOf(linkOf(first.username)) } });
    expect(lost.status).toBe(410);
    expect((await envelope(lost)).error).toBe("token_invalid");

    // Forgot-password by the address finds only its owner.
    const resetAsked = new Date();
    expect((await call("/api/auth/password/forgot", { json: { email: first.email } })).status).toBe(202);
    const reset = linkIn(await waitForMail(first.email, { subject: /reset your/i, after: resetAsked }), "/reset-password");
    expect(await (await call(pathOf(reset))).text()).toContain(`For <strong>${second.username}</strong>.`);
  });

  it("once confirmed, cannot be confirmed by another account that claims it later: its owner is told instead, with no link", async () => {
    const owner = await accounts.verified("owned");
    const claimant = await accounts.register("late-claim", { email: owner.email });
    await waitForMail(owner.email, { subject: /someone tried to use your email address/i });
    const resent = await call("/api/auth/email/resend", { method: "POST", cookie: claimant.cookie });
    expect(resent.status).toBe(202);
    const toldTwice = async () => (await mailsTo(owner.email)).filter((mail) => /someone tried/i.test(mail.subject)).length === 2;
    await eventually("the owner's second notice", toldTwice, { withinMs: 15_000, everyMs: 100 });
    await settle();
    const mails = await mailsTo(owner.email);
    expect(mails.filter((mail) => /someone tried/i.test(mail.subject))).toHaveLength(2);
    expect(mails.filter((mail) => /confirm your email/i.test(mail.subject))).toHaveLength(1);
    expect(await addressOf(claimant.id)).toEqual({ email: owner.email, confirmed: false });
    expect(await addressOf(owner.id)).toEqual({ email: owner.email, confirmed: true });
  });
});

describe("registration", () => {
  it("answers alike for an address in use and a free one; the address's owner gets a mail saying someone tried it, with no link", async () => {
    const owner = await accounts.verified("enum-owner");
    async function registerWith(email: string) {
      const response = await call("/api/auth/register", { json: { username: uniqueName("enum"), password: TEST_PASSWORD, name: "Enum Tester", email } });
      const body = (await envelope(response.clone())) as { data: { user: Record<string, unknown>; expiresAt: string } };
      if (body.data?.user) otherAccounts.push(body.data.user.id as string);
      return { response, body };
    }
    function shape({ response, body }: Awaited<ReturnType<typeof registerWith>>) {
      const { id: _id, username: _username, createdAt: _createdAt, email, ...user } = body.data.user;
      return {
        status: response.status,
        headers: [...response.headers.keys()].filter((name) => name !== "date").sort(),
        cookies: response.headers.getSetCookie().map((line) => line.split("=")[0]).sort(),
        keys: Object.keys(body.data).sort(),
        userKeys: Object.keys(body.data.user).sort(),
        user,
        email: typeof email,
      };
    }

    const asked = new Date();
    const taken = await registerWith(owner.email);
    const free = await registerWith(uniqueAddress("enum-free"));
    expect(taken.response.status).toBe(201);
    expect(shape(taken)).toEqual(shape(free));
    expect(taken.body.data.user.email).toBe(owner.email);

    const told = await waitForMail(owner.email, { subject: /^Someone tried to use your email address on Tessera$/, after: asked });
    expect(told.text).toContain("Someone gave this email address for another Tessera account.");
    expect(told.text).not.toMatch(/https?:\/\//);
    expect(told.text).not.toContain("Enum Tester");
    await settle();
    expect((await mailsTo(owner.email)).filter((mail) => /confirm your email/i.test(mail.subject) && Date.parse(mail.date) >= asked.getTime())).toEqual([]);
  });
});

describe("mail to unconfirmed addresses", () => {
  it("is limited per account: repeated address changes get 429 with Retry-After, and the refused change is not made", async () => {
    const account = await accounts.register("changes");
    const changes: Response[] = [];
    const addresses = Array.from({ length: 5 }, (_, i) => uniqueAddress(`changes-${i}`));
    for (const email of addresses) changes.push(await call(`/api/users/${account.id}`, { method: "PATCH", json: { email }, cookie: account.cookie }));
    // The registration's mail was the first of five.
    expect(changes.map((change) => change.status)).toEqual([200, 200, 200, 200, 429]);
    expect((await envelope(changes[4]!)).error).toBe("rate_limited");
    expect(Number(changes[4]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await addressOf(account.id)).toEqual({ email: addresses[3], confirmed: false });
    await settle();
    expect(await mailsTo(addresses[4]!)).toEqual([]);

    const resend = await call("/api/auth/email/resend", { method: "POST", cookie: account.cookie });
    expect(resend.status).toBe(429);
  });

  it("is limited per client address, across accounts, and a refused registration leaves no account", async () => {
    const ip = randomClientIp();
    const headers = { "x-forwarded-for": ip };
    const register = (username: string) =>
      call("/api/auth/register", { json: { username, password: TEST_PASSWORD, name: "Flood Tester", email: uniqueAddress("mail-ip") }, headers });
    // Twenty mails from one client: four accounts, each within its own allowance of five
    // (the registration's mail and four address changes).
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const registered = await register(uniqueName("mail-ip"));
      statuses.push(registered.status);
      const cookie = cookieHeader(sessionCookie(registered)!);
      const { id } = ((await envelope(registered)).data as { user: { id: string } }).user;
      otherAccounts.push(id);
      for (let change = 0; change < 4; change++) {
        statuses.push((await call(`/api/users/${id}`, { method: "PATCH", json: { email: uniqueAddress("mail-ip") }, cookie, headers })).status);
      }
    }
    expect(statuses).toEqual(Array.from({ length: 20 }, (_, mail) => (mail % 5 === 0 ? 201 : 200)));
    // The twenty-first, for an account of its own, is refused: the client's allowance is spent.
    const refused = uniqueName("mail-ip");
    expect((await register(refused)).status).toBe(429);
    expect(await query(`SELECT 1 FROM "User" WHERE "username" = $1`, [refused])).toEqual([]);
    // Without an address, the same client still registers.
    const plain = await call("/api/auth/register", { json: { username: uniqueName("mail-ip"), password: TEST_PASSWORD, name: "Flood Tester" }, headers: { "x-forwarded-for": ip } });
    expect(plain.status).toBe(201);
    otherAccounts.push(((await envelope(plain)).data as { user: { id: string } }).user.id);
  });

  it("carries no display name: whoever claims an address writes it", async () => {
    const email = uniqueAddress("nameless");
    const name = "Prize Desk visit evil.example";
    const response = await call("/api/auth/register", { json: { username: uniqueName("nameless"), password: TEST_PASSWORD, name, email } });
    expect(response.status).toBe(201);
    otherAccounts.push(((await envelope(response)).data as { user: { id: string } }).user.id);
    const mail = await waitForMail(email, { subject: /confirm your email/i });
    expect(mail.text + mail.html).not.toContain(name);
    expect(mail.text.startsWith("Hello,\n")).toBe(true);
  });
});

describe("names", () => {
  const refusal = "Name must be one line of text, without control characters.";

  it("are one line of printable text: registration refuses a multi-line name with a field message, and creates nothing", async () => {
    for (const name of ["Mallory\nClick https://evil.example", "Mallory\r\nX", "Mallory\tX", "Mallory\u0085X", "Mallory\u2028X", "Mallory\u202Egnp.exe"]) {
      const username = uniqueName("multi-line");
      const response = await call("/api/auth/register", { json: { username, password: TEST_PASSWORD, name } });
      expect(response.status, JSON.stringify(name)).toBe(400);
      const body = await envelope(response);
      expect(body.error).toBe("validation_error");
      expect(body.fields).toEqual({ name: refusal });
      expect(await query(`SELECT 1 FROM "User" WHERE "username" = $1`, [username])).toEqual([]);
    }
  });

  it("are refused with control characters in a change and from an admin, too", async () => {
    const account = await accounts.register("rename");
    const renamed = await call(`/api/users/${account.id}`, { method: "PATCH", json: { name: "Ada\nLovelace" }, cookie: account.cookie });
    expect(renamed.status).toBe(400);
    expect((await envelope(renamed)).fields).toEqual({ name: refusal });
    expect((await call(`/api/users/${account.id}`, { cookie: account.cookie }).then(envelope)).data).toMatchObject({ name: "Mail Tester" });

    const admin = await signIn("hop", "123hop");
    const username = uniqueName("admin-made");
    const created = await call("/api/users", { json: { username, name: "Eve\u0007Bell" }, cookie: admin });
    expect(created.status).toBe(400);
    expect((await envelope(created)).fields).toEqual({ name: refusal });
    expect(await query(`SELECT 1 FROM "User" WHERE "username" = $1`, [username])).toEqual([]);
  });
});
