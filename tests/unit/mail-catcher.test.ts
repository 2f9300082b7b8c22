import nodemailer from "nodemailer";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { linkify, startMailCatcher, type CaughtMail, type MailCatcher } from "@/tools/mail-catcher";
import { clearMail, holdMail, linkIn, mailsTo, waitForMail } from "@/tests/support/mailbox";
import { eventually } from "@/tests/support/eventually";

let catcher: MailCatcher;

function send(mail: { to: string; subject: string; text: string; html?: string }, smtpPort = catcher.smtpPort) {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false });
  return transport.sendMail({ from: "Tessera <no-reply@tessera.test>", ...mail }).finally(() => transport.close());
}

async function json(): Promise<CaughtMail[]> {
  return (await (await fetch(`${catcher.inboxUrl}/messages.json`)).json()) as CaughtMail[];
}

beforeAll(async () => {
  catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
  process.env.TESSERA_MAIL_URL = catcher.inboxUrl;
});

afterAll(async () => {
  delete process.env.TESSERA_MAIL_URL;
  await catcher.close();
});

afterEach(() => clearMail());

describe("the mail catcher", () => {
  it("listens on loopback and names its addresses", () => {
    expect(catcher.smtpPort).toBeGreaterThan(0);
    expect(catcher.smtpUrl).toBe(`smtp://127.0.0.1:${catcher.smtpPort}`);
    expect(catcher.inboxUrl).toBe(`http://127.0.0.1:${catcher.httpPort}`);
  });

  it("keeps a mail sent over SMTP and lists it in messages.json", async () => {
    await send({ to: "Ada <ada@example.com>", subject: "Reset your password", text: "Open http://localhost:3000/reset-password?token=abc to go on.", html: "<p>Hello</p>" });
    const [mail, ...rest] = await json();
    expect(rest).toEqual([]);
    expect(mail).toMatchObject({
      from: expect.stringContaining("<no-reply@tessera.test>"),
      to: ["ada@example.com"],
      subject: "Reset your password",
      html: "<p>Hello</p>",
    });
    expect(mail!.text).toContain("http://localhost:3000/reset-password?token=abc");
    expect(Date.parse(mail!.date)).not.toBeNaN();
    expect(catcher.messages()).toEqual([mail]);
  });

  it("lists the mails to one address, in any letter case, when asked for them", async () => {
    await send({ to: "ada@example.com", subject: "First", text: "one" });
    await send({ to: "bob@example.com", subject: "Second", text: "two" });
    await send({ to: "Ada@Example.com", subject: "Third", text: "three" });
    const to = async (address: string) =>
      ((await (await fetch(`${catcher.inboxUrl}/messages.json?to=${encodeURIComponent(address)}`)).json()) as CaughtMail[]).map((mail) => mail.subject);
    expect(await to("ADA@example.com")).toEqual(["Third", "First"]);
    expect(await to("bob@example.com")).toEqual(["Second"]);
    expect(await to("nobody@example.com")).toEqual([]);
    expect((await json()).map((mail) => mail.subject)).toEqual(["Third", "Second", "First"]);
  });

  it("lists every envelope recipient, Bcc included", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: catcher.smtpPort, secure: false });
    await transport.sendMail({ from: "a@tessera.test", to: "b@example.com", bcc: "c@example.com", subject: "Two", text: "x" });
    transport.close();
    expect((await json())[0]!.to).toEqual(["b@example.com", "c@example.com"]);
  });

  it("shows the inbox newest first, with every field escaped", async () => {
    await send({ to: "first@example.com", subject: "First", text: "one" });
    await send({ to: "second@example.com", subject: "<script>alert(1)</script> & more", text: "two" });
    const response = await fetch(`${catcher.inboxUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62; &#38; more");
    expect(html.indexOf("second@example.com")).toBeLessThan(html.indexOf("first@example.com"));
  });

  it("shows one mail with its links clickable and its HTML in a sandboxed frame", async () => {
    await send({ to: "ada@example.com", subject: "Links", text: "Go to http://localhost:3000/verify-email?token=x1.", html: `<p onclick="x()">"Hi"</p>` });
    const [mail] = await json();
    const html = await (await fetch(`${catcher.inboxUrl}/messages/${mail!.id}`)).text();
    expect(html).toContain(`<a href="http://localhost:3000/verify-email?token=x1" rel="noreferrer">`);
    expect(html).toContain(`<iframe sandbox="" title="The mail's HTML part" srcdoc="&#60;p onclick=&#34;x()&#34;&#62;&#34;Hi&#34;&#60;/p&#62;">`);
    expect((await fetch(`${catcher.inboxUrl}/messages/999999`)).status).toBe(404);
  });

  it("forgets every mail on DELETE /messages", async () => {
    await send({ to: "ada@example.com", subject: "Gone soon", text: "x" });
    expect(await json()).toHaveLength(1);
    const response = await fetch(`${catcher.inboxUrl}/messages`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(await json()).toEqual([]);
  });

  it("refuses a mail over its size limit and keeps only the newest mails", async () => {
    const small = await startMailCatcher({ maxMessageBytes: 2_000, keep: 2 });
    try {
      await expect(send({ to: "ada@example.com", subject: "Big", text: "x".repeat(10_000) }, small.smtpPort)).rejects.toMatchObject({ responseCode: 552 });
      for (const subject of ["1", "2", "3"]) await send({ to: "ada@example.com", subject, text: "x" }, small.smtpPort);
      expect(small.messages().map((mail) => mail.subject)).toEqual(["3", "2"]);
    } finally {
      await small.close();
    }
  });
});

describe("linkify", () => {
  it("escapes the text and links only http(s) URLs, without trailing punctuation", () => {
    expect(linkify(`<b> see (https://a.test/x?y=1&z=2). javascript:alert(1)`)).toBe(
      `&#60;b&#62; see (<a href="https://a.test/x?y=1&#38;z=2" rel="noreferrer">https://a.test/x?y=1&#38;z=2</a>). javascript:alert(1)`,
    );
  });
});

describe("the tests' mailbox", () => {
  it("waits for a mail to an address and finds the link with a path", async () => {
    const after = new Date();
    const arrived = waitForMail("ADA@example.com", { subject: /reset/i, after });
    await send({ to: "bob@example.com", subject: "Reset for Bob", text: "http://localhost:3000/reset-password?token=bob" });
    await send({ to: "ada@example.com", subject: "Reset your password", text: "Hi.\nhttp://localhost:3000/login\nhttp://localhost:3000/reset-password?token=t0k.\n" });
    const mail = await arrived;
    expect(mail.subject).toBe("Reset your password");
    expect(linkIn(mail, "/reset-password")).toBe("http://localhost:3000/reset-password?token=t0k");
    expect(() => linkIn(mail, "/verify-email")).toThrow(/no link to \/verify-email/);
    expect((await mailsTo("bob@example.com")).map((m) => m.subject)).toEqual(["Reset for Bob"]);
  });

  it("says what it saw when no matching mail comes", async () => {
    await send({ to: "ada@example.com", subject: "Something else", text: "x" });
    await expect(waitForMail("ada@example.com", { subject: /reset/, timeoutMs: 300 })).rejects.toThrow(/"Something else"/);
  });

  it("keeps a sender to a held address waiting at RCPT TO until it is released, and lets other mail through", async () => {
    const held = await holdMail("Ada@Example.com");
    let sent = false;
    const toAda = send({ to: "ada@example.com", subject: "Held", text: "x" }).then(() => (sent = true));
    await send({ to: "bob@example.com", subject: "Not held", text: "y" });
    await eventually("the sender to ada waiting", async () => (await held.waiting()) === 1);
    expect(sent).toBe(false);
    expect(await mailsTo("ada@example.com")).toEqual([]);
    expect((await mailsTo("bob@example.com")).map((mail) => mail.subject)).toEqual(["Not held"]);
    await held.release();
    await toAda;
    expect((await mailsTo("ada@example.com")).map((mail) => mail.subject)).toEqual(["Held"]);
    expect(await held.waiting()).toBe(0);
  });

  it("answers a malformed held address with 400 and another method with 405", async () => {
    expect((await fetch(`${catcher.inboxUrl}/holds/%E0%A4%A`, { method: "PUT" })).status).toBe(400);
    expect((await fetch(`${catcher.inboxUrl}/holds/ada%40example.com`, { method: "POST" })).status).toBe(405);
  });
});
