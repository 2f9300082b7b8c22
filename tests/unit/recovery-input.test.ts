/**
 * The recovery inputs and mails without a server: which account a
 * forgot-password request names, email addresses as stored, and what the
 * mails say (escaped, with no more of a new address than the owner needs).
 */
import { describe, expect, it } from "vitest";
import { forgotPasswordSchema, registerSchema, resetPasswordSchema, updateUserSchema } from "@/lib/schemas";
import { maskAddress, noticeMail, resetPasswordMail, verifyEmailMail } from "@/lib/mail/messages";

describe("forgot-password input", () => {
  it("reads a username or an email address, from any of its three fields, lower-cased", () => {
    expect(forgotPasswordSchema.parse({ username: " Toby " })).toEqual({ username: "toby" });
    expect(forgotPasswordSchema.parse({ email: "Ada@Example.COM" })).toEqual({ email: "ada@example.com" });
    expect(forgotPasswordSchema.parse({ account: "ada@example.com" })).toEqual({ email: "ada@example.com" });
    expect(forgotPasswordSchema.parse({ account: "ada" })).toEqual({ username: "ada" });
  });

  it("refuses an empty or oversized request", () => {
    expect(forgotPasswordSchema.safeParse({}).success).toBe(false);
    expect(forgotPasswordSchema.safeParse({ account: "   " }).success).toBe(false);
    expect(forgotPasswordSchema.safeParse({ email: "x".repeat(255) }).success).toBe(false);
    expect(forgotPasswordSchema.safeParse({ username: 42 }).success).toBe(false);
  });
});

describe("email addresses", () => {
  it("are stored trimmed and lower-case, and an empty form field means none", () => {
    const base = { username: "ada", password: "a-good-long-password", name: "Ada Lovelace" };
    expect(registerSchema.parse({ ...base, email: "  Ada@Example.com " }).email).toBe("ada@example.com");
    expect(registerSchema.parse({ ...base, email: "" }).email).toBeUndefined();
    expect(registerSchema.safeParse({ ...base, email: "not-an-address" }).success).toBe(false);
    expect(updateUserSchema.parse({ email: "" })).toEqual({ email: null });
    expect(updateUserSchema.parse({ email: null })).toEqual({ email: null });
  });
});

describe("reset input", () => {
  it("needs a token and a password that meets the rule; a code is optional", () => {
    expect(resetPasswordSchema.safeParse({ token: "t", password: "a-good-long-password" }).success).toBe(true);
    expect(resetPasswordSchema.safeParse({ password: "a-good-long-password" }).success).toBe(false);
    expect(resetPasswordSchema.safeParse({ token: "t", password: "short" }).success).toBe(false);
    expect(resetPasswordSchema.parse({ token: "t", password: "a-good-long-password", code: " " }).code).toBeUndefined();
  });
});

describe("the mails", () => {
  it("carry the link in text and HTML, escaped in the HTML", () => {
    const url = "https://app.example.com/reset-password?token=abc&x=<y>";
    const mail = resetPasswordMail("Ada <script>", url);
    expect(mail.text).toContain(url);
    expect(mail.html).toContain("https://app.example.com/reset-password?token=abc&amp;x=&lt;y&gt;");
    expect(mail.html).not.toContain("<script>");
    expect(verifyEmailMail("https://app.example.com/verify-email?token=t").text).toContain("24 hours");
  });

  it("name the passkeys a reset removed, quoted and escaped in the HTML", () => {
    const mail = noticeMail("Ada", { kind: "password_reset", removedPasskeys: ["Ada's phone", "<b>key</b>"] }, new Date("2026-12-02T10:00:00Z"));
    expect(mail.text).toContain(`Its passkeys were removed, so that none added by someone else still signs in: "Ada's phone", "<b>key</b>".`);
    expect(mail.html).toContain("&lt;b&gt;key&lt;/b&gt;");
    expect(noticeMail("Ada", { kind: "password_reset", removedPasskeys: [] }, new Date()).text).not.toContain("passkey");
  });

  it("tell the old address of a change without giving it the new one", () => {
    const mail = noticeMail("Ada", { kind: "email_changed", newAddress: "ada.new@example.org" }, new Date("2026-12-02T10:00:00Z"));
    expect(mail.text).toContain("a•••@example.org");
    expect(mail.text).not.toContain("ada.new@");
    expect(mail.text).toContain("Wed, 02 Dec 2026 10:00:00 GMT");
    expect(maskAddress("x")).toBe("•••");
  });
});
