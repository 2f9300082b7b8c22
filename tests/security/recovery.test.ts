/**
 * Attacks on recovery: finding out which accounts exist from "forgot
 * password" (status, body, headers or timing), a forged Host header that
 * would put another site in the reset mail, reusing or replaying links, a
 * link of one kind or one user used for another, flooding an inbox, and
 * reading the tokens out of the database.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fillRateLimit, query } from "../support/database";
import { eventually } from "../support/eventually";
import { median } from "../support/level-off";
import { BASE_URL, call, randomClientIp, uniqueName } from "@/tools/http-client";
import { linkIn, mailsTo, waitForMail } from "../support/mailbox";
import { mailAccounts, requestResetLink, tokenOf, uniqueAddress } from "../support/recovery";

const accounts = mailAccounts();
const NEW_PASSWORD = "a-brand-new-passphrase";

/** Everything a client sees of an answer, but its Date header. */
async function observable(response: Response): Promise<string> {
  const headers = [...response.headers].filter(([name]) => name !== "date").map(([name, value]) => `${name}: ${value}`);
  return `${response.status}\n${headers.sort().join("\n")}\n\n${await response.text()}`;
}

describe("account enumeration through forgot-password", () => {
  it("answers alike, byte for byte, for a confirmed, an unconfirmed and a missing account", async () => {
    const confirmed = await accounts.verified("enum-yes");
    const unconfirmed = await accounts.register("enum-unconfirmed");
    const inputs = [
      { username: confirmed.username },
      { email: confirmed.email },
      { username: unconfirmed.username },
      { email: unconfirmed.email },
      { username: uniqueName("ghost") },
      { email: uniqueAddress("ghost") },
    ];
    const answers = new Set<string>();
    for (const input of inputs) answers.add(await observable(await call("/api/auth/password/forgot", { json: input })));
    expect(answers.size, [...answers].join("\n----\n")).toBe(1);
    expect([...answers][0]).toMatch(/^202\n/);
  });

  it("takes as long for an account that gets a mail as for one that does not exist", async () => {
    const confirmed = await accounts.verified("enum-timed");
    async function timed(input: Record<string, string>): Promise<number> {
      const started = performance.now();
      const response = await call("/api/auth/password/forgot", { json: input });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(202);
      return elapsed;
    }
    await timed({ username: uniqueName("ghost") });
    const since = new Date();
    const real: number[] = [];
    const missing: number[] = [];
    // Every one of the account's requests mails a link: its allowance of three a window is opened again before each.
    const account = async () => {
      await fillRateLimit(`reset-mail:${confirmed.id}`, 0);
      real.push(await timed({ email: confirmed.email }));
    };
    const none = async () => missing.push(await timed({ email: uniqueAddress("ghost") }));
    // The look-up and the mail run after an answer and slow down whatever request comes next, so the two
    // kinds take turns going first: each follows an account's request about as often as the other.
    for (let pair = 0; pair < 8; pair++) {
      if (pair % 2 === 0) await account().then(none);
      else await none().then(account);
    }
    await eventually("the account's eight reset mails", async () => (await mailsTo(confirmed.email)).filter((mail) => /reset your/i.test(mail.subject) && Date.parse(mail.date) >= since.getTime()).length === 8);
    // An attacker compares the quickest answers of each kind: the load on a machine only ever adds to a
    // request's time, so a kind's quickest answer is the closest to what the server spent on it. The
    // look-up and the mail happen after the answer: the quickest differ by noise, not by a query or an SMTP exchange.
    const [quickestAccount, quickestNone] = [Math.min(...real), Math.min(...missing)];
    const seen = `quickest: account ${quickestAccount.toFixed(1)} ms, none ${quickestNone.toFixed(1)} ms; medians ${median(real).toFixed(1)} and ${median(missing).toFixed(1)} ms`;
    expect(Math.abs(quickestAccount - quickestNone), seen).toBeLessThan(25);
  });

  it("sends an account at most three reset mails per window, and still answers 202", async () => {
    const account = await accounts.verified("flood");
    for (let i = 0; i < 5; i++) expect((await call("/api/auth/password/forgot", { json: { username: account.username } })).status).toBe(202);
    await waitForMail(account.email, { subject: /reset your/i });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await mailsTo(account.email)).filter((mail) => /reset your/i.test(mail.subject))).toHaveLength(3);
  });

  it("limits one client address, whatever account it names", async () => {
    const ip = randomClientIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await call("/api/auth/password/forgot", { json: { username: uniqueName("ghost") }, headers: { "x-forwarded-for": ip } })).status);
    }
    expect(statuses.slice(0, 20).every((status) => status === 202)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe("reset links", () => {
  it("use APP_URL, whatever Host and forwarded headers the request carries", async () => {
    const account = await accounts.verified("host");
    const asked = new Date();
    const response = await call("/api/auth/password/forgot", {
      json: { username: account.username },
      headers: { host: "attacker.example", "x-forwarded-host": "attacker.example", "x-forwarded-proto": "https", forwarded: "host=attacker.example" },
    });
    expect(response.status).toBe(202);
    const mail = await waitForMail(account.email, { subject: /reset your/i, after: asked });
    expect(mail.text + mail.html).not.toContain("attacker.example");
    expect(new URL(linkIn(mail, "/reset-password")).origin).toBe(new URL(BASE_URL).origin);
  });

  it("are stored only as a hash", async () => {
    const account = await accounts.verified("hashed");
    const token = tokenOf(await requestResetLink(account));
    const rows = await query<{ tokenHash: string }>(`SELECT "tokenHash" FROM "AccountToken" WHERE "userId" = $1::uuid AND "purpose" = 'reset-password'`, [account.id]);
    expect(rows.map((row) => row.tokenHash)).toContain(createHash("sha256").update(token).digest("hex"));
    const leaked = await query(`SELECT 1 FROM "AccountToken" WHERE "tokenHash" = $1 OR "email" = $1`, [token]);
    expect(leaked).toEqual([]);
  });

  it("work once, even when two requests race with the same link", async () => {
    const account = await accounts.verified("race");
    const token = tokenOf(await requestResetLink(account));
    const answers = await Promise.all(
      ["first-racing-passphrase", "second-racing-passphrase"].map((password) => call("/api/auth/password/reset", { json: { token, password } })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 410]);
  });

  it("of one kind do not work as another", async () => {
    const account = await accounts.register("confused");
    const verifyToken = tokenOf(await accounts.verificationLink(account.email));
    const asReset = await call("/api/auth/password/reset", { json: { token: verifyToken, password: NEW_PASSWORD } });
    expect(asReset.status).toBe(410);
    expect((await call("/api/auth/login", { json: { username: account.username, password: account.password } })).status).toBe(200);
  });

  it("refuse a made-up or malformed token without a 500", async () => {
    for (const token of ["A".repeat(43), "not a token", "../../etc/passwd", "%00", "x".repeat(100)]) {
      const response = await call("/api/auth/password/reset", { json: { token, password: NEW_PASSWORD } });
      expect(response.status, token).toBe(410);
    }
    expect((await call("/api/auth/password/reset", { json: { token: "x".repeat(101), password: NEW_PASSWORD } })).status).toBe(400);
    expect((await call("/api/auth/password/reset", { json: { password: NEW_PASSWORD } })).status).toBe(400);
  });
});

describe("a link for one user used on another", () => {
  it("confirms only the address it was sent to, whoever is signed in", async () => {
    const victim = await accounts.register("victim");
    const attacker = await accounts.register("attacker");
    const victimLink = await accounts.verificationLink(victim.email);
    const response = await call("/api/auth/email/verify", { json: { token: tokenOf(victimLink) }, cookie: attacker.cookie });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { email: string } }).data.email).toBe(victim.email);
    const rows = await query<{ id: string; verified: boolean }>(`SELECT "id", "emailVerifiedAt" IS NOT NULL AS "verified" FROM "User" WHERE "id" = ANY($1::uuid[])`, [
      [victim.id, attacker.id],
    ]);
    expect(Object.fromEntries(rows.map((row) => [row.id, row.verified]))).toEqual({ [victim.id]: true, [attacker.id]: false });
  });

  it("cannot take over another account's address by claiming it first", async () => {
    const owner = await accounts.verified("owner");
    const squatter = await accounts.register("squatter");
    const response = await call(`/api/users/${squatter.id}`, { method: "PATCH", json: { email: owner.email }, cookie: squatter.cookie });
    expect(response.status).toBe(409);
  });

  it("resets only the account it was issued for", async () => {
    const first = await accounts.verified("first");
    const second = await accounts.verified("second");
    const link = await requestResetLink(first);
    expect((await call("/api/auth/password/reset", { json: { token: tokenOf(link), password: NEW_PASSWORD }, cookie: second.cookie })).status).toBe(204);
    expect((await call("/api/auth/login", { json: { username: second.username, password: second.password } })).status).toBe(200);
    expect((await call("/api/auth/login", { json: { username: first.username, password: NEW_PASSWORD } })).status).toBe(200);
  });
});
