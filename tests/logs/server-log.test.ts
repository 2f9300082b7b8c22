/**
 * Runs after every other suite against the same server: its whole output must
 * hold the auth events as JSON lines and never a token, password or hash.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { TEST_PASSWORD } from "@/tools/http-client";
import { BREACHED_PASSWORDS } from "@/tools/pwned-standin";

const logFile = process.env.TESSERA_SERVER_LOG;
const lines = logFile ? readFileSync(logFile, "utf8").split("\n") : [];
const PASSWORDS_USED_IN_TESTS = ["123toby", "123niko", "123qwerty", "123hop", TEST_PASSWORD, "brand-new-password", "a-new-password", ...BREACHED_PASSWORDS];
// The breached-password check hashes with SHA-1: no part of a hash beyond the 5 characters sent may be logged.
const BREACHED_HASH_SUFFIXES = BREACHED_PASSWORDS.map((password) => createHash("sha1").update(password).digest("hex").slice(5));

describe("the server's log after the whole test run", () => {
  it("was captured", () => {
    expect(logFile).toBeDefined();
    expect(lines.length).toBeGreaterThan(10);
  });

  it("carries no warning meant for `next start`: npm start runs its own server around Next.js", () => {
    expect(lines.join("\n")).toContain("Ready on http://");
    expect(lines.join("\n")).not.toContain("does not work with \"output: standalone\"");
  });

  it("records auth events as one JSON line each", () => {
    const events = lines.filter((line) => line.includes('"auth_event"')).map((line) => JSON.parse(line));
    const types = [...new Set(events.map((event) => event.event))];
    for (const type of ["register", "login_success", "login_failure", "logout", "refresh", "refresh_reuse", "token_issued", "rate_limited", "sessions_revoked"]) {
      expect(types, type).toContain(type);
    }
    expect(events.every((event) => typeof event.time === "string" && event.level === "info")).toBe(true);
  });

  it("holds no access token, refresh token, password or password hash", () => {
    const text = lines.join("\n");
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    expect(text).not.toMatch(/\$2[aby]\$\d\d\$/);
    for (const password of PASSWORDS_USED_IN_TESTS) expect(text).not.toContain(password);
    for (const suffix of BREACHED_HASH_SUFFIXES) expect(text.toLowerCase()).not.toContain(suffix);
    expect(text).not.toMatch(/tessera_refresh=|tessera_session=/);
  });

  it("records the recovery and sign-in link mails and events, but never a link's token or a recipient's address", () => {
    const entries = lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { event?: string });
    const events = new Set(entries.map((entry) => entry.event));
    for (const type of ["mail_sent", "password_reset", "password_reset_requested", "reset_link_issued", "email_verified", "email_changed", "email_link_requested", "email_link_used"]) {
      expect([...events], type).toContain(type);
    }
    const text = lines.join("\n");
    expect(text).not.toMatch(/[?&]token=/);
    // Every test address is at example.test (tests/support/mailbox.ts uniqueAddress).
    expect(text).not.toMatch(/@example\.test/i);
  });
});
