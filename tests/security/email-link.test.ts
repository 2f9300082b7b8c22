/**
 * Attacks on sign-in links by email, over real HTTP with the mail the server
 * really sent: finding out which addresses have an account, getting a link
 * mailed to an address the account only claims, flooding an inbox, a mail
 * scanner that opens the link, a link used twice or after its 15 minutes, a
 * link of another kind, and skipping the second factor.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../support/database";
import { eventually } from "../support/eventually";
import { linkIn, mailsTo, waitForMail } from "../support/mailbox";
import { mailAccounts, tokenOf, uniqueAddress, type MailAccount } from "../support/recovery";
import { enrolTotp, totpCode } from "../support/totp";
import { cookieHeader, PENDING_COOKIE, SESSION_COOKIE, setCookies } from "@/tools/cookies";
import { call, randomClientIp, serverActionForm } from "@/tools/http-client";

const accounts = mailAccounts();
const SIGN_IN_MAIL = /sign-in link/i;

/** Everything a client sees of an answer, but its Date header. */
async function observable(response: Response): Promise<string> {
  const headers = [...response.headers].filter(([name]) => name !== "date").map(([name, value]) => `${name}: ${value}`);
  return `${response.status}\n${headers.sort().join("\n")}\n\n${await response.text()}`;
}

/** Asks for a sign-in link for `account`'s address and returns the link from the mail it gets. */
async function requestLink(account: MailAccount): Promise<string> {
  const asked = new Date();
  expect((await call("/api/auth/email-link", { json: { email: account.email } })).status).toBe(202);
  return linkIn(await waitForMail(account.email, { subject: SIGN_IN_MAIL, after: asked }), "/sign-in/email");
}

function pathOf(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

function cookieNamed(response: Response, name: string): string | undefined {
  const cookie = setCookies(response).find((candidate) => candidate.name === name && candidate.value !== "");
  return cookie && cookieHeader(cookie);
}

async function claimsOf(cookie: string): Promise<{ amr: string[]; username: string }> {
  const response = await call("/api/auth/me", { cookie });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { claims: { amr: string[]; username: string } } }).data.claims;
}

async function eventsOf(userId: string): Promise<string[]> {
  const rows = await query<{ type: string }>(`SELECT "type" FROM "AuthEvent" WHERE "userId" = $1::uuid ORDER BY "createdAt", "id"`, [userId]);
  return rows.map((row) => row.type);
}

/** Accounts with a confirmed address, shared by the tests that each take a link or two of their five a window. */
let owner: MailAccount;
let other: MailAccount;
beforeAll(async () => {
  [owner, other] = await Promise.all([accounts.verified("link-owner"), accounts.verified("link-other")]);
  // Two registrations and their confirmation mails, on a server that may have just started.
}, 30_000);

describe("asking for a sign-in link", () => {
  it("answers alike, byte for byte, for an owned, a claimed and an unknown address, and mails only the owner", async () => {
    const account = owner;
    const claimant = await accounts.register("link-claim");
    // The claimant's answers come first: their work after the answer is done before the owner's mail, which takes more, goes out.
    const inputs = [{ email: claimant.email }, { email: uniqueAddress("ghost") }, { email: account.email }, { email: ` ${account.email.toUpperCase()} ` }];
    const answers = new Set<string>();
    for (const input of inputs) answers.add(await observable(await call("/api/auth/email-link", { json: input })));
    expect(answers.size, [...answers].join("\n----\n")).toBe(1);
    expect([...answers][0]).toMatch(/^202\n/);

    await eventually("both links to the owner", async () => (await mailsTo(account.email)).filter((mail) => SIGN_IN_MAIL.test(mail.subject)).length === 2);
    expect((await mailsTo(claimant.email)).filter((mail) => SIGN_IN_MAIL.test(mail.subject))).toEqual([]);
    expect((await eventsOf(claimant.id)).filter((type) => type.startsWith("email_link"))).toEqual([]);
  });

  it("answers the form, without JavaScript, as the API; refuses a malformed address with 400, alike for everyone", async () => {
    const form = await serverActionForm("/login/email");
    expect(await (await form({ email: uniqueAddress("ghost") })).text()).toContain("If an account has this confirmed email address, a sign-in link is on its way to it.");
    expect(await (await form({ email: "not an address" })).text()).toContain("Enter an email address such as ada@example.com.");
    for (const json of [{}, { email: "not an address" }, { email: 42 }, { email: `${"a".repeat(250)}@example.test` }]) {
      const response = await call("/api/auth/email-link", { json });
      expect(response.status, JSON.stringify(json)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe("validation_error");
    }
  });

  it("mails an account at most five links per window, and still answers 202; one client address gets 429 after twenty requests", async () => {
    const flooded = await accounts.verified("link-flood");
    for (let i = 0; i < 6; i++) expect((await call("/api/auth/email-link", { json: { email: flooded.email } })).status).toBe(202);
    // The sixth is refused quietly, where only the admin sees it: a 429 would tell that the address has an account.
    await eventually("five links and one refusal", async () => {
      const links = (await mailsTo(flooded.email)).filter((mail) => SIGN_IN_MAIL.test(mail.subject));
      return links.length === 5 && (await eventsOf(flooded.id)).includes("rate_limited");
    });
    expect((await eventsOf(flooded.id)).filter((type) => type === "email_link_requested")).toHaveLength(5);

    const ip = randomClientIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await call("/api/auth/email-link", { json: { email: uniqueAddress("ghost") }, headers: { "x-forwarded-for": ip } })).status);
    }
    expect(statuses.slice(0, 20).every((status) => status === 202)).toBe(true);
    const refused = await call("/api/auth/email-link", { json: { email: owner.email }, headers: { "x-forwarded-for": ip } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("a sign-in link", () => {
  it("opened by a mail scanner (GET, HEAD) signs nobody in; its Sign in button does, once, with amr email", async () => {
    const account = owner;
    const link = await requestLink(account);
    const path = pathOf(link);

    for (const method of ["HEAD", "GET", "GET"]) {
      const look = await call(path, { method });
      expect(look.status, method).toBe(200);
      expect(setCookies(look).map((cookie) => cookie.name)).not.toContain(SESSION_COOKIE);
      if (method === "GET") {
        const html = await look.text();
        expect(html).toContain("Sign in to Tessera");
        expect(html).toContain(account.username);
      }
    }

    const signIn = await serverActionForm(path);
    const before = await eventsOf(account.id);
    const first = await signIn({});
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/dashboard");
    const session = cookieNamed(first, SESSION_COOKIE);
    expect(session).toBeDefined();
    expect(await claimsOf(session!)).toMatchObject({ username: account.username, amr: ["email"] });
    expect((await eventsOf(account.id)).slice(before.length).sort()).toEqual(["email_link_used", "login_success"]);

    // Used: the page says so, its button and the API sign nobody in.
    expect(await (await call(path)).text()).toContain("This link no longer works");
    const again = await signIn({});
    expect(cookieNamed(again, SESSION_COOKIE)).toBeUndefined();
    expect(await again.text()).toContain("This link no longer works");
    const api = await call("/api/auth/email-link/sign-in", { json: { token: tokenOf(link) } });
    expect(api.status).toBe(410);
    expect(((await api.json()) as { error: string }).error).toBe("token_invalid");
  });

  it("lives 15 minutes, and no longer", async () => {
    const account = other;
    const link = await requestLink(account);
    const [row] = await query<{ minutes: number }>(
      `SELECT EXTRACT(EPOCH FROM "expiresAt" - "createdAt") / 60 AS "minutes" FROM "AccountToken" WHERE "userId" = $1::uuid AND "purpose" = 'email-sign-in' ORDER BY "createdAt" DESC LIMIT 1`,
      [account.id],
    );
    expect(Math.round(Number(row!.minutes))).toBe(15);

    const signIn = await serverActionForm(pathOf(link));
    await query(
      `UPDATE "AccountToken" SET "createdAt" = "createdAt" - interval '15 minutes 1 second', "expiresAt" = "expiresAt" - interval '15 minutes 1 second' WHERE "userId" = $1::uuid AND "purpose" = 'email-sign-in'`,
      [account.id],
    );
    expect(await (await call(pathOf(link))).text()).toContain("This link no longer works");
    expect(cookieNamed(await signIn({}), SESSION_COOKIE)).toBeUndefined();
    expect((await call("/api/auth/email-link/sign-in", { json: { token: tokenOf(link) } })).status).toBe(410);
  });

  it("works once when two uses race", async () => {
    const token = tokenOf(await requestLink(other));
    const answers = await Promise.all([0, 1].map(() => call("/api/auth/email-link/sign-in", { json: { token } })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 410]);
    expect(answers.filter((answer) => cookieNamed(answer, SESSION_COOKIE))).toHaveLength(1);
  });

  it("of another kind, made up or malformed signs nobody in, without a 500", async () => {
    const claimant = await accounts.register("link-kind");
    const confirmation = tokenOf(await accounts.verificationLink(claimant.email));
    for (const token of [confirmation, "A".repeat(43), "not a token", "../../etc/passwd", "x".repeat(100)]) {
      const response = await call("/api/auth/email-link/sign-in", { json: { token } });
      expect(response.status, token).toBe(410);
      expect(cookieNamed(response, SESSION_COOKIE)).toBeUndefined();
    }
    expect((await call("/api/auth/email-link/sign-in", { json: {} })).status).toBe(400);
    expect((await call("/sign-in/email?token=not-a-token")).status).toBe(200);
  });

  it("still asks for the second factor of an account with TOTP on, on the page and through the API", async () => {
    const account = await accounts.verified("link-totp");
    const { secret } = await enrolTotp(account.cookie);

    // The page: no session, a pending sign-in, and the second step's page, which knows the link was the first.
    const viaPage = await (await serverActionForm(pathOf(await requestLink(account))))({});
    expect(viaPage.status).toBe(303);
    expect(viaPage.headers.get("location")).toBe("/login/verify?next=%2Fdashboard");
    expect(cookieNamed(viaPage, SESSION_COOKIE)).toBeUndefined();
    const pending = cookieNamed(viaPage, PENDING_COOKIE);
    expect(pending).toBeDefined();
    expect(await (await call("/login/verify?next=%2Fdashboard", { cookie: pending! })).text()).toContain("Your sign-in link worked.");
    const completed = await call("/api/auth/login/verify", { json: { code: totpCode(secret) }, cookie: pending! });
    expect(completed.status).toBe(200);
    expect(await claimsOf(cookieNamed(completed, SESSION_COOKIE)!)).toMatchObject({ amr: ["email", "otp", "mfa"] });

    // The API: 401 mfa_required and nothing more, until the code.
    const viaApi = await call("/api/auth/email-link/sign-in", { json: { token: tokenOf(await requestLink(account)) } });
    expect(viaApi.status).toBe(401);
    expect(((await viaApi.json()) as { error: string }).error).toBe("mfa_required");
    expect(cookieNamed(viaApi, SESSION_COOKIE)).toBeUndefined();
    const right = await call("/api/auth/login/verify", { json: { code: totpCode(secret, 1) }, cookie: cookieNamed(viaApi, PENDING_COOKIE)! });
    expect(right.status).toBe(200);
  });
});
