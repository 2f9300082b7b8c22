/**
 * Attacks on recovery: finding out which accounts exist from "forgot
 * password" (status, body, headers or timing), a forged Host header that
 * would put another site in the reset mail, reusing or replaying links, a
 * link of one kind or one user used for another, flooding an inbox, and
 * reading the tokens out of the database.
 */
import { createHash } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { query } from "../support/database";
import { eventually } from "../support/eventually";
import { BASE_URL, call, randomClientIp, uniqueName } from "@/tools/http-client";
import { holdMail, linkIn, mailsTo, waitForMail } from "../support/mailbox";
import { mailAccounts, requestResetLink, tokenOf, uniqueAddress } from "../support/recovery";

const accounts = mailAccounts();
const NEW_PASSWORD = "a-brand-new-passphrase";

/** The response, or undefined if none came within `ms`. */
async function answeredWithin(ms: number, response: Promise<Response>): Promise<Response | undefined> {
  const answered = new AbortController();
  const late = delay(ms, undefined, { signal: answered.signal }).catch(() => undefined);
  try {
    return await Promise.race([response, late]);
  } finally {
    answered.abort();
  }
}

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

  it("answers before it mails the account: the 202 comes while the mail is held at the SMTP server, so its time tells nothing", async () => {
    // What would make an account's answer slower than a missing one's is the reset mail (the token, the
    // audit event, the SMTP exchange) sent before answering. Comparing answer times cannot show that
    // reliably on a busy machine: answers of either kind ranged from 17 to 163 ms within one run, and a
    // comparison of the quickest of eight of each failed on that noise alone. Holding the account's mail
    // at the SMTP server settles it: an answer that waited for its mail would not come until the release.
    const confirmed = await accounts.verified("enum-held");
    const held = await holdMail(confirmed.email);
    const since = new Date();
    try {
      const answer = await answeredWithin(10_000, call("/api/auth/password/forgot", { json: { email: confirmed.email } }));
      expect(answer?.status, "no answer within 10 s while the account's mail was held: the answer waits for the mail").toBe(202);
      // And the server did go on to mail the account after its answer: the catcher is holding that mail now.
      await eventually("the reset mail held at the SMTP server", async () => (await held.waiting()) === 1, { withinMs: 15_000, everyMs: 50 });
      expect((await mailsTo(confirmed.email)).filter((mail) => /reset your/i.test(mail.subject))).toEqual([]);
    } finally {
      await held.release();
    }
    await waitForMail(confirmed.email, { subject: /reset your/i, after: since });
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
